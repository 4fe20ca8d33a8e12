import { randomUUID } from 'node:crypto';
import type { FlowRecord, FlowStore } from '@configflow/core';
import type pg from 'pg';
import { PgLeases } from './pgLeases.ts';

export interface PgFlowStoreOptions {
  /** This instance's name in flow locks and work leases (default: a random id). */
  owner?: string;
  /** How long a flow's lock or its progress work stays this instance's without a renewal (default 30 s). */
  ttlMs?: number;
  /** Lock and lease time (default: the database's clock). */
  now?: () => number;
}

/** The key of a flow's progress-work lease in `configflow_leases`. */
export const workKey = (flowId: string) => `flow:${flowId}`;

const NOW = `COALESCE($3::bigint, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)`;

/**
 * Flows in progress as rows, so a flow started on one instance can be continued on another.
 *
 * Every write gives the row a new `revision`; an instance remembers the revision of each record it
 * holds, so under a flow's lock it can tell a copy another instance made stale. The lock is three
 * columns of the row (owner, fence, expiry), taken by one UPDATE that also returns the revision as
 * committed: it holds no connection while the step runs, lapses if its holder dies, and a write
 * under it carries its fence, so a holder that lost it (paused past the expiry) cannot overwrite.
 * A flow's progress work is a lease (`flow:<id>`) of `configflow_leases`.
 */
export class PgFlowStore implements FlowStore {
  readonly durable = true;
  readonly owner: string;
  private readonly ttlMs: number;
  private readonly now: (() => number) | undefined;
  private readonly leases: PgLeases;
  /** The revision each record object this instance holds was read or written at. */
  private readonly revisions = new WeakMap<FlowRecord, number>();
  /** Flows whose lock this instance holds, with the fence their writes carry. */
  private readonly locks = new Map<string, number>();
  /** Flows whose progress work runs here, with what stops it when another instance takes it over. */
  private readonly work = new Map<string, () => void>();
  /** One flow's claims and releases of its work, in order (they run on different connections). */
  private readonly workOps = new Map<string, Promise<unknown>>();

  constructor(
    private readonly pool: pg.Pool,
    opts: PgFlowStoreOptions = {},
  ) {
    this.owner = opts.owner ?? randomUUID();
    this.ttlMs = opts.ttlMs ?? 30_000;
    this.now = opts.now;
    this.leases = new PgLeases(pool, this.owner, {
      ttlMs: this.ttlMs,
      ...(opts.now ? { now: opts.now } : {}),
    });
  }

  async loadAll(): Promise<FlowRecord[]> {
    const { rows } = await this.pool.query<{ body: FlowRecord; revision: string }>(
      'SELECT body, revision FROM configflow_flows',
    );
    return rows.map((r) => this.seen(r.body, r.revision));
  }
  async get(flowId: string): Promise<FlowRecord | undefined> {
    const { rows } = await this.pool.query<{ body: FlowRecord; revision: string }>(
      'SELECT body, revision FROM configflow_flows WHERE flow_id = $1',
      [flowId],
    );
    const row = rows[0];
    return row && this.seen(row.body, row.revision);
  }
  async put(record: FlowRecord): Promise<void> {
    const fence = this.locks.get(record.flowId);
    if (fence === undefined) {
      // A new flow (its start): nobody else knows of it yet.
      const { rows } = await this.pool.query<{ revision: string }>(
        `INSERT INTO configflow_flows (flow_id, body) VALUES ($1, $2)
         ON CONFLICT (flow_id) DO UPDATE
           SET body = EXCLUDED.body, updated_at = now(), revision = nextval('configflow_flow_revisions')
         RETURNING revision`,
        [record.flowId, record],
      );
      this.seen(record, rows[0]!.revision);
      return;
    }
    const { rows } = await this.pool.query<{ revision: string }>(
      `UPDATE configflow_flows
         SET body = $2, updated_at = now(), revision = nextval('configflow_flow_revisions')
       WHERE flow_id = $1 AND lock_owner = $3 AND lock_fence = $4
       RETURNING revision`,
      [record.flowId, record, this.owner, fence],
    );
    if (!rows[0])
      throw new Error(`flow ${record.flowId}: another instance took it over while this one stepped it`);
    this.seen(record, rows[0].revision);
  }
  async delete(flowId: string): Promise<void> {
    const fence = this.locks.get(flowId) ?? null;
    // Its work lease and its unique id's claim go with it. Under a lock another instance took over,
    // nothing is deleted. A flow that ended in its first step has no row, only perhaps a claim.
    await this.pool.query(
      `WITH d AS (
         DELETE FROM configflow_flows
         WHERE flow_id = $1 AND ($2::bigint IS NULL OR (lock_owner = $3 AND lock_fence = $2))
         RETURNING flow_id),
       c AS (
         DELETE FROM configflow_flow_claims
         WHERE flow_id = $1 AND (EXISTS (SELECT 1 FROM d) OR NOT EXISTS (SELECT 1 FROM configflow_flows WHERE flow_id = $1)))
       DELETE FROM configflow_leases WHERE key IN (SELECT 'flow:' || flow_id FROM d)`,
      [flowId, fence, this.owner],
    );
    this.work.delete(flowId);
  }

  async exclusive<T>(
    flowId: string,
    fn: (current: (held: FlowRecord | undefined) => boolean) => Promise<T>,
  ): Promise<T> {
    let lock: { fence: number; revision: number } | undefined;
    for (let wait = 2; !lock; wait = Math.min(wait * 2, 50)) {
      const { rows } = await this.pool.query<{ lock_fence: string; revision: string }>(
        `UPDATE configflow_flows f
           SET lock_owner = $2, lock_fence = f.lock_fence + 1, lock_expires = t.now + $4
         FROM (SELECT ${NOW} AS now) t
         WHERE f.flow_id = $1 AND (f.lock_owner IS NULL OR f.lock_owner = $2 OR f.lock_expires <= t.now)
         RETURNING f.lock_fence, f.revision`,
        [flowId, this.owner, this.now?.() ?? null, this.ttlMs],
      );
      const row = rows[0];
      if (row) {
        lock = { fence: Number(row.lock_fence), revision: Number(row.revision) };
        break;
      }
      const exists = await this.pool.query('SELECT 1 FROM configflow_flows WHERE flow_id = $1', [flowId]);
      // No such flow (it ended elsewhere): nothing to lock; only a copy of nothing is current.
      if (exists.rows.length === 0) return fn((held) => held === undefined);
      // Another instance is stepping it: its step is short, so wait a little and try again.
      await new Promise((resolve) => setTimeout(resolve, wait * (0.5 + Math.random())));
    }
    this.locks.set(flowId, lock.fence);
    try {
      const { revision } = lock;
      return await fn((held) => held !== undefined && this.revisions.get(held) === revision);
    } finally {
      this.locks.delete(flowId);
      // A lock that cannot be let go (the connection failed) lapses at its expiry.
      await this.pool
        .query(
          'UPDATE configflow_flows SET lock_owner = NULL WHERE flow_id = $1 AND lock_owner = $2 AND lock_fence = $3',
          [flowId, this.owner, lock.fence],
        )
        .catch(() => {});
    }
  }

  /**
   * Claims `uniqueId` for the flow, under a transaction lock on the id (two servers claiming it at
   * the same instant are told apart), and answers whether another flow of the handler claims it. A
   * claim counts while its flow's row exists, or, for a flow still in its first step (no row yet),
   * for one lock lifetime: the claim of a server that died there lapses.
   */
  async claimUniqueId(
    flow: { flowId: string; handler: string; source: string },
    uniqueId: string,
  ): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `claim:${JSON.stringify([flow.handler, uniqueId])}`,
      ]);
      const { rows } = await client.query<{ now: string; taken: boolean }>(
        `SELECT t.now, EXISTS (
           SELECT 1 FROM configflow_flow_claims c
           WHERE c.handler = $1 AND c.unique_id = $2 AND c.flow_id <> $4 AND c.source <> 'reauth'
             AND (EXISTS (SELECT 1 FROM configflow_flows f WHERE f.flow_id = c.flow_id)
                  OR c.claimed_at > t.now - $5)
         ) AS taken
         FROM (SELECT ${NOW} AS now) t`,
        [flow.handler, uniqueId, this.now?.() ?? null, flow.flowId, this.ttlMs],
      );
      await client.query(
        `INSERT INTO configflow_flow_claims (flow_id, handler, unique_id, source, claimed_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (flow_id) DO UPDATE
           SET handler = EXCLUDED.handler, unique_id = EXCLUDED.unique_id, claimed_at = EXCLUDED.claimed_at`,
        [flow.flowId, flow.handler, uniqueId, flow.source, Number(rows[0]!.now)],
      );
      await client.query('COMMIT');
      return rows[0]!.taken;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  claimWork(flowId: string, onLost: () => void): Promise<boolean> {
    return this.inOrder(flowId, async () => {
      if (!(await this.leases.acquire(workKey(flowId)))) return false;
      this.work.set(flowId, onLost);
      return true;
    });
  }

  releaseWork(flowId: string): Promise<void> {
    return this.inOrder(flowId, async () => {
      if (!this.work.delete(flowId)) return;
      // Deleted, not expired: a flow without a work lease at a progress step is free to take at once.
      await this.pool.query('DELETE FROM configflow_leases WHERE key = $1 AND owner = $2', [
        workKey(flowId),
        this.owner,
      ]);
    });
  }

  /** Flows whose progress work runs here. */
  working(): string[] {
    return [...this.work.keys()];
  }

  /**
   * Renews the locks of steps still running here and the leases of the work running here; work
   * another instance took over meanwhile (or whose flow ended) is stopped here.
   */
  async renew(): Promise<void> {
    const now = this.now?.() ?? null;
    if (this.locks.size > 0) {
      await this.pool.query(
        `UPDATE configflow_flows SET lock_expires = ${NOW.replace('$3', '$1')} + $2
         WHERE flow_id = ANY($3::text[]) AND lock_owner = $4`,
        [now, this.ttlMs, [...this.locks.keys()], this.owner],
      );
    }
    if (this.work.size === 0) return;
    const ids = [...this.work.keys()];
    const { rows } = await this.pool.query<{ key: string }>(
      `UPDATE configflow_leases l SET expires_at = ${NOW.replace('$3', '$1')} + $2
       WHERE l.key = ANY($3::text[]) AND l.owner = $4
         AND EXISTS (SELECT 1 FROM configflow_flows f WHERE 'flow:' || f.flow_id = l.key)
       RETURNING l.key`,
      [now, this.ttlMs, ids.map(workKey), this.owner],
    );
    const kept = new Set(rows.map((r) => r.key));
    for (const id of ids) {
      if (kept.has(workKey(id))) continue;
      const lost = this.work.get(id);
      this.work.delete(id);
      lost?.();
    }
  }

  /**
   * Flows at one of `steps` (`handler/kind/stepId`, its progress steps) whose work no live instance
   * holds: its owner died or stopped, or it has not been claimed yet.
   */
  async orphanedWork(steps: string[]): Promise<string[]> {
    if (steps.length === 0) return [];
    const { rows } = await this.pool.query<{ flow_id: string }>(
      `SELECT f.flow_id FROM configflow_flows f
       LEFT JOIN configflow_leases l ON l.key = 'flow:' || f.flow_id
       WHERE (f.body->>'handler') || '/' || (f.body->>'kind') || '/' || (f.body->>'stepId') = ANY($1::text[])
         AND (l.key IS NULL OR l.expires_at <= ${NOW.replace('$3', '$2')})`,
      [steps, this.now?.() ?? null],
    );
    return rows.map((r) => r.flow_id);
  }

  private seen(record: FlowRecord, revision: string): FlowRecord {
    this.revisions.set(record, Number(revision));
    return record;
  }

  private inOrder<T>(flowId: string, op: () => Promise<T>): Promise<T> {
    const next = (this.workOps.get(flowId) ?? Promise.resolve()).then(op, op);
    const tail = next.catch(() => {});
    this.workOps.set(flowId, tail);
    void tail.then(() => {
      if (this.workOps.get(flowId) === tail) this.workOps.delete(flowId);
    });
    return next;
  }
}
