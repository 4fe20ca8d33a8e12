/** A Ford account of the cluster soak and the person behind it. */
export interface ClusterPerson {
  username: string;
  password: string;
  subject: string;
  region: string;
  /** Every vehicle on the account; some are configured at the start, the rest by flows mid-soak. */
  vins: string[];
}
