import { type ConfigEntry, type EntryStore, FlowError, UniqueIdTaken } from '@configflow/core';
import type pg from 'pg';
import { UNIQUE_ID_INDEX } from './migrations.ts';
import { CHANNEL, type Notice } from './notice.ts';

/**
 * A write of an entry's state refused: this instance ran the entry under a lease whose fence is no
 * longer the holder's (another instance took it over while this one was paused or cut off). The
 * instance must stop running the entry, not write again.
 */
export class LeaseLost extends FlowError {
  constructor(readonly entryId: string) {
    super('lease_lost', `Config entry ${entryId} is run by another instance now`);
  }
}

export interface PgEntryStoreOptions {
  /** Lease time, as the leases' (epoch ms; default: the database's clock). */
  now?: () => number;
  /** A write of an entry this instance held was refused (`LeaseLost`): stop running it. */
  onLost?: (entryId: string) => void;
}

/** Writes that meet a changed row again this many times in a row give up (never seen: a bound). */
const MAX_ATTEMPTS = 50;

/**
 * Config entries as rows with a version; every write notifies the other instances (LISTEN/NOTIFY) of
 * the entry's id. `update` is optimistic: it writes only over the version it read, else reads and
 * applies the change again, so two instances changing one entry at once keep both changes.
 *
 * An entry's `state` and `reason` are its runtime's: a write that changes them is fenced. From the
 * instance running the entry (`hold`), it carries the lease's fence and is refused once the fence
 * has moved on (`LeaseLost`); from any other instance it is declined (not written, no error) while
 * another instance holds a live lease, so an instance unloading an entry it lost leaves the new
 * owner's state alone. Data, options and title are anyone's (a flow on any instance).
 */
export class PgEntryStore implements EntryStore {
  /** Entry id → the fence of the lease under which this instance runs it. */
  private readonly fences = new Map<string, number>();

  constructor(
    private readonly pool: pg.Pool,
    /** This instance's id, so it can ignore its own notices. */
    private readonly instance: string,
    private readonly opts: PgEntryStoreOptions = {},
  ) {}

  /** This instance runs the entry under a lease with this fence: its state writes carry it. */
  hold(entryId: string, fence: number): void {
    this.fences.set(entryId, fence);
  }
  /** This instance no longer runs the entry. */
  drop(entryId: string): void {
    this.fences.delete(entryId);
  }

  async loadAll(): Promise<ConfigEntry[]> {
    const { rows } = await this.pool.query<{ body: ConfigEntry }>(
      'SELECT body FROM configflow_entries ORDER BY body->>$1',
      ['createdAt'],
    );
    return rows.map((r) => r.body);
  }
  async get(entryId: string): Promise<ConfigEntry | undefined> {
    const { rows } = await this.pool.query<{ body: ConfigEntry }>(
      'SELECT body FROM configflow_entries WHERE entry_id = $1',
      [entryId],
    );
    return rows[0]?.body;
  }
  /** The whole entry, unconditionally (a new entry; last writer wins): `update` is the safe change. */
  async put(entry: ConfigEntry): Promise<void> {
    await this.write(
      entry,
      this.pool.query(
        `WITH w AS (
         INSERT INTO configflow_entries AS e (entry_id, body) VALUES ($1, $2)
         ON CONFLICT (entry_id) DO UPDATE SET body = EXCLUDED.body, version = e.version + 1, updated_at = now()
       ) SELECT pg_notify($3, $4)`,
        [entry.entryId, entry, CHANNEL, this.notice(entry.entryId)],
      ),
    );
  }

  async update(
    entryId: string,
    change: (current: ConfigEntry) => ConfigEntry,
  ): Promise<ConfigEntry | undefined> {
    for (let attempt = 1; ; attempt++) {
      const { rows } = await this.pool.query<{ body: ConfigEntry; version: string }>(
        'SELECT body, version FROM configflow_entries WHERE entry_id = $1',
        [entryId],
      );
      const row = rows[0];
      if (!row) return undefined;
      const next = change(row.body);
      if (next === row.body) return row.body;
      const fenced = next.state !== row.body.state || next.reason !== row.body.reason;
      const fence = fenced ? this.fences.get(entryId) : undefined;
      const guard = fenced ? this.guard(entryId, fence, 6) : { sql: 'true', params: [] };
      const written = await this.write(
        next,
        this.pool.query(
          `WITH w AS (
           UPDATE configflow_entries SET body = $2, version = version + 1, updated_at = now()
           WHERE entry_id = $1 AND version = $3 AND ${guard.sql}
           RETURNING 1
         ) SELECT pg_notify($4, $5) FROM w`,
          [entryId, next, row.version, CHANNEL, this.notice(entryId), ...guard.params],
        ),
      );
      if (written.rows.length > 0) return next;
      // Not written: the row went, changed since it was read (apply the change to it again), or the
      // guard said no. A fresh read tells which.
      const again = this.guard(entryId, fence, 2);
      const { rows: now } = await this.pool.query<{ version: string; allowed: boolean }>(
        `SELECT version, ${fenced ? again.sql : 'true'} AS allowed FROM configflow_entries WHERE entry_id = $1`,
        [entryId, ...(fenced ? again.params : [])],
      );
      const current = now[0];
      if (!current) return undefined;
      if (current.version === row.version && !current.allowed) {
        if (fence === undefined) return row.body;
        this.fences.delete(entryId);
        this.opts.onLost?.(entryId);
        throw new LeaseLost(entryId);
      }
      if (attempt >= MAX_ATTEMPTS)
        throw new Error(`config entry ${entryId}: ${MAX_ATTEMPTS} writes met a changed row in a row`);
    }
  }

  async delete(entryId: string): Promise<void> {
    this.fences.delete(entryId);
    await this.pool.query(
      `WITH w AS (DELETE FROM configflow_entries WHERE entry_id = $1) SELECT pg_notify($2, $3)`,
      [entryId, CHANNEL, this.notice(entryId)],
    );
  }

  /**
   * Whether this instance may change the entry's state now: under its fence, or (not running it)
   * while no other instance holds a live lease on it. Parameters are numbered from `first`.
   */
  private guard(
    entryId: string,
    fence: number | undefined,
    first: number,
  ): { sql: string; params: unknown[] } {
    const [key, owner, third] = [`$${first}`, `$${first + 1}`, `$${first + 2}`];
    if (fence !== undefined)
      return {
        sql: `EXISTS (SELECT 1 FROM configflow_leases WHERE key = ${key} AND owner = ${owner} AND fence = ${third})`,
        params: [`entry:${entryId}`, this.instance, fence],
      };
    return {
      sql: `NOT EXISTS (SELECT 1 FROM configflow_leases WHERE key = ${key} AND owner <> ${owner}
              AND expires_at > COALESCE(${third}::bigint, (extract(epoch FROM clock_timestamp()) * 1000)::bigint))`,
      params: [`entry:${entryId}`, this.instance, this.opts.now?.() ?? null],
    };
  }

  /** A write that would give a second entry the domain's unique id is `UniqueIdTaken`. */
  private async write<T>(entry: ConfigEntry, query: Promise<T>): Promise<T> {
    try {
      return await query;
    } catch (error) {
      const e = error as { code?: string; constraint?: string };
      if (e.code === '23505' && e.constraint === UNIQUE_ID_INDEX && entry.uniqueId != null)
        throw new UniqueIdTaken(entry.domain, entry.uniqueId);
      throw error;
    }
  }

  private notice(entryId: string): string {
    return JSON.stringify({ kind: 'entry', id: entryId, from: this.instance } satisfies Notice);
  }
}
