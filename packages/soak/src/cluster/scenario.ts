/** What one cluster soak run does: how many instances, kills, accounts and vehicles, and how fast time goes. */
export interface ClusterScenario {
  name: string;
  seed: number;
  instances: number;
  kills: number;
  accounts: number;
  /** Vehicles configured per account before the first kill (spread over the instances). */
  vehiclesPerAccount: number;
  /** More vehicles per account, for the flows the soak runs mid-kill. */
  spareVehicles: number;
  /** CONFIGFLOW_LEASE_MS of every instance. */
  leaseMs: number;
  /** The simulator's CAT access token lifetime: the adapter refreshes 60 s before expiry, so 61 s means nearly every poll rotates. */
  catTtlSeconds: number;
  /** How often the soak asks an entry's owner to poll it now (POST /api/entries/:id/refresh). */
  pollEveryMs: number;
}

export function clusterScenario(seed = 1, overrides: Partial<ClusterScenario> = {}): ClusterScenario {
  const kills = overrides.kills ?? 10;
  const accounts = overrides.accounts ?? 4;
  return {
    name: 'cluster',
    seed,
    instances: 3,
    kills,
    accounts,
    vehiclesPerAccount: 3,
    // Two kills in five add a vehicle to some account: enough spares for every one of them.
    spareVehicles: Math.ceil((kills * 2) / 5 / accounts) + 1,
    leaseMs: 3_000,
    catTtlSeconds: 61,
    pollEveryMs: 700,
    ...overrides,
  };
}

/** The short form `pnpm test` runs: each kill kind once (mid refresh held and answered, mid reauth, mid flow between steps and in a request). */
export function ciClusterScenario(seed = 1): ClusterScenario {
  return clusterScenario(seed, { name: 'cluster (CI)', kills: 5, accounts: 3, vehiclesPerAccount: 2 });
}
