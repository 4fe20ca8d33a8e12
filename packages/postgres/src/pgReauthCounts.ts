import type { ReauthCounts } from '@configflow/core';
import type pg from 'pg';

/**
 * The reauth loop guard's count in the shared database: one row per successful reauth of an account,
 * so an account's entries count together whichever server ran each reauth (a lease moved them, or
 * two servers run entries of one account). Rows older than the guard's window go when it counts.
 */
export class PgReauthCounts implements ReauthCounts {
  constructor(private readonly pool: pg.Pool) {}

  async add(key: string, at: number): Promise<void> {
    await this.pool.query('INSERT INTO configflow_reauths (account_key, at) VALUES ($1, $2)', [key, at]);
  }
  async count(key: string, since: number): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `WITH old AS (DELETE FROM configflow_reauths WHERE account_key = $1 AND at <= $2)
       SELECT count(*) AS n FROM configflow_reauths WHERE account_key = $1 AND at > $2`,
      [key, since],
    );
    return Number(rows[0]?.n ?? 0);
  }
  async clear(key: string): Promise<void> {
    await this.pool.query('DELETE FROM configflow_reauths WHERE account_key = $1', [key]);
  }
}
