import type pg from 'pg';

/** A held lease: `fence` grows each time the key changes owner, so a late write of an old owner is told apart. */
export interface Lease {
  key: string;
  owner: string;
  fence: number;
  expiresAt: number;
}

/**
 * Time-bound ownership rows. A key is this owner's while it renews it; once its owner stops renewing
 * (a process killed), anyone may take it after `ttlMs`. Time is epoch ms from `now` (a fake clock in
 * tests) or, by default, the database's clock, so instances with skewed clocks agree.
 */
export class PgLeases {
  constructor(
    private readonly pool: pg.Pool,
    readonly owner: string,
    private readonly opts: { ttlMs: number; now?: () => number },
  ) {}

  get ttlMs(): number {
    return this.opts.ttlMs;
  }

  /** Takes or renews the lease; undefined when another owner holds it unexpired. */
  async acquire(key: string): Promise<Lease | undefined> {
    const { rows } = await this.pool.query<{ fence: string; expires_at: string }>(
      `WITH t AS (SELECT COALESCE($3::bigint, (extract(epoch FROM clock_timestamp()) * 1000)::bigint) AS now)
       INSERT INTO configflow_leases AS l (key, owner, fence, expires_at)
         SELECT $1, $2, 1, t.now + $4 FROM t
       ON CONFLICT (key) DO UPDATE SET
         owner = EXCLUDED.owner,
         expires_at = EXCLUDED.expires_at,
         fence = CASE WHEN l.owner = EXCLUDED.owner THEN l.fence ELSE l.fence + 1 END
       WHERE l.owner = EXCLUDED.owner OR l.expires_at <= (SELECT now FROM t)
       RETURNING fence, expires_at`,
      [key, this.owner, this.opts.now?.() ?? null, this.opts.ttlMs],
    );
    const row = rows[0];
    return row && { key, owner: this.owner, fence: Number(row.fence), expiresAt: Number(row.expires_at) };
  }

  /**
   * Renews, in one statement, the leases of `keys` this owner still holds (a round renews all of a
   * server's entries at once, however many); returns the keys renewed. A key missing from the answer
   * was taken by another owner meanwhile.
   */
  async renewAll(keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const { rows } = await this.pool.query<{ key: string }>(
      `UPDATE configflow_leases
         SET expires_at = COALESCE($3::bigint, (extract(epoch FROM clock_timestamp()) * 1000)::bigint) + $4
       WHERE key = ANY($1::text[]) AND owner = $2
       RETURNING key`,
      [keys, this.owner, this.opts.now?.() ?? null, this.opts.ttlMs],
    );
    return new Set(rows.map((r) => r.key));
  }

  /**
   * Lets go of a lease this owner holds (a clean shutdown hands entries over at once). The row stays,
   * expired, so the next owner's fence is still higher than every fence before it.
   */
  async release(key: string): Promise<void> {
    await this.pool.query('UPDATE configflow_leases SET expires_at = 0 WHERE key = $1 AND owner = $2', [
      key,
      this.owner,
    ]);
  }

  /** Whether `fence` is still the current holder's (a fenced write checks this in its statement). */
  async holds(key: string, fence: number): Promise<boolean> {
    const { rows } = await this.pool.query(
      'SELECT 1 FROM configflow_leases WHERE key = $1 AND owner = $2 AND fence = $3',
      [key, this.owner, fence],
    );
    return rows.length > 0;
  }

  /** Who holds a key now (expired or not), for diagnostics and tests. */
  async holder(key: string): Promise<Lease | undefined> {
    const { rows } = await this.pool.query<{ owner: string; fence: string; expires_at: string }>(
      'SELECT owner, fence, expires_at FROM configflow_leases WHERE key = $1',
      [key],
    );
    const row = rows[0];
    return row && { key, owner: row.owner, fence: Number(row.fence), expiresAt: Number(row.expires_at) };
  }
}
