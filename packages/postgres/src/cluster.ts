import { randomUUID } from 'node:crypto';
import {
  type Clock,
  type ConfigEntries,
  type EntryOwnership,
  type EntryRuntime,
  type FlowManager,
  systemClock,
} from '@configflow/core';
import type { SharedTokenStorage } from '@configflow/fordpass';
import pg from 'pg';
import { migrate } from './migrations.ts';
import type { Notice } from './notice.ts';
import { PgEntryStore } from './pgEntryStore.ts';
import { PgEvents } from './pgEvents.ts';
import { PgFlowStore } from './pgFlowStore.ts';
import { PgLeases } from './pgLeases.ts';
import { PgLock } from './pgLock.ts';
import { PgReauthCounts } from './pgReauthCounts.ts';
import { pgTokenStorage } from './pgTokenStore.ts';

export interface PgClusterOptions {
  /** `postgres://user:password@host:port/database`. */
  url: string;
  /** This instance's name in leases (default: a random id per process). */
  instance?: string;
  /**
   * The lease period (default 30 s): a dead instance's entries are polled again, and its flows'
   * progress work run again, by a live one within it (see `leaseTiming`).
   */
  leaseMs?: number;
  /** Timers for lease renewals (a fake clock in tests). */
  clock?: Clock;
  /** Lease time (default: the database's clock, shared by every instance). */
  now?: () => number;
  /** Connections this instance opens at most (default 10). */
  poolSize?: number;
  log?: (line: string) => void;
}

/** The parts one instance runs on, plus what joins them to the other instances. */
export interface PgCluster {
  readonly instance: string;
  readonly pool: pg.Pool;
  readonly entryStore: PgEntryStore;
  readonly flowStore: PgFlowStore;
  readonly lock: PgLock;
  readonly leases: PgLeases;
  readonly events: PgEvents;
  /** FordPass's `shared` option: its tokens and account lock in this database. */
  readonly fordpassTokens: SharedTokenStorage;
  /** Entry ownership by lease, for `EntryRuntime`'s `ownership`. */
  readonly ownership: EntryOwnership;
  /** The reauth loop guard's count, shared: for `EntryRuntime`'s `reauthCounts`. */
  readonly reauthCounts: PgReauthCounts;
  /** Entries this instance runs now. */
  owned(): string[];
  /** Joins an instance's registry, manager and runtime to the others (before they start). */
  attach(app: { entries: ConfigEntries; manager: FlowManager; runtime: EntryRuntime }): void;
  /** Renews this instance's leases and takes over entries whose owner stopped renewing. */
  tick(): Promise<void>;
  /** Waits until every notice received so far has been applied: for tests. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const entryKey = (entryId: string) => `entry:${entryId}`;

/**
 * How a lease period is kept: a lease is written to last half of it and renewed every quarter. It
 * lapses at most half a period after its holder died, a live instance's next round (at most a quarter
 * later) takes it over, and a quarter is left for the setup: polling resumes within the period. A
 * holder survives one missed renewal.
 */
export function leaseTiming(leaseMs: number): { ttlMs: number; roundMs: number } {
  return { ttlMs: Math.max(2, Math.floor(leaseMs / 2)), roundMs: Math.max(1, Math.floor(leaseMs / 4)) };
}
const EVENTS_KEPT_MS = 10 * 60_000;

/**
 * Opens (and migrates) the shared database. Locks are advisory locks; each entry's polling is a
 * lease renewed every quarter of its period, and taken over by a live instance once it lapses;
 * changes reach the other instances by LISTEN/NOTIFY. A flow is stepped under its row's lock (see
 * `PgFlowStore`), and its progress work runs on the instance holding its lease, renewed the same way.
 */
export async function openPgCluster(opts: PgClusterOptions): Promise<PgCluster> {
  const instance = opts.instance ?? randomUUID();
  const clock = opts.clock ?? systemClock;
  const { ttlMs, roundMs } = leaseTiming(opts.leaseMs ?? 30_000);
  const log = opts.log ?? (() => {});
  // Named after the instance, so pg_stat_activity tells the instances' connections apart.
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    application_name: instance.slice(0, 63),
  });
  // An idle connection that fails (the server restarted) must not crash the process.
  pool.on('error', (error) => log(`configflow: a database connection failed: ${error.message}`));
  await migrate(pool);
  let app: { entries: ConfigEntries; manager: FlowManager; runtime: EntryRuntime } | undefined;
  // A state write refused for a lost lease (taken over while this instance was paused): stop running it.
  const onLost = (id: string) => void (held.delete(id) && app?.runtime.unload(id).catch(() => {}));
  const entryStore = new PgEntryStore(pool, instance, { ...(opts.now ? { now: opts.now } : {}), onLost });
  // Flow locks and progress-work leases lapse on the lease period too, on the same clock.
  const flowStore = new PgFlowStore(pool, {
    owner: instance,
    ttlMs,
    ...(opts.now ? { now: opts.now } : {}),
  });
  /** `handler/kind/stepId` of every progress step: stored flows waiting at one have work to run. */
  let progressSteps: string[] = [];
  const leases = new PgLeases(pool, instance, { ttlMs, ...(opts.now ? { now: opts.now } : {}) });
  // A held lock keeps a connection until its work ends, and that work queries the pool (and may take
  // a nested lock): locks on the pool deadlock once as many are held as it has connections (a server
  // starting with 10 entries sets them all up at once). Their connections come from a pool of their
  // own, bounded by the server's max_connections only.
  const lockPool = new pg.Pool({
    connectionString: opts.url,
    max: Number.POSITIVE_INFINITY,
    application_name: instance.slice(0, 63),
  });
  lockPool.on('error', (error) => log(`configflow: a database connection failed: ${error.message}`));
  // Under the reauth lock: a reauth flow another instance opened must be seen before deciding.
  const lock = new PgLock(lockPool, async (key) => {
    if (!app || !key.startsWith('reauth:')) return;
    const { rows } = await pool.query<{ flow_id: string }>(
      `SELECT flow_id FROM configflow_flows WHERE body->>'source' = 'reauth'`,
    );
    for (const r of rows) await app.manager.adopt(r.flow_id);
  });
  const held = new Set<string>();
  const ownership: EntryOwnership = {
    async claim(entryId) {
      const lease = await leases.acquire(entryKey(entryId));
      if (lease) held.add(entryId);
      if (lease) entryStore.hold(entryId, lease.fence);
      return lease !== undefined;
    },
    async release(entryId) {
      if (!held.delete(entryId)) return;
      entryStore.drop(entryId);
      await leases.release(entryKey(entryId));
    },
  };

  // Notices are applied one at a time, in arrival order, so an older read never lands after a newer one.
  let queue: Promise<void> = Promise.resolve();
  const apply = (notice: Notice) => {
    queue = queue
      .then(() => handle(notice))
      .catch((error: unknown) => log(`configflow: cluster notice: ${String(error)}`));
  };
  const handle = async (notice: Notice) => {
    if (!app) return;
    if (notice.kind === 'entry') {
      app.entries.applyRemote(notice.id, await entryStore.get(notice.id));
      return;
    }
    const event = await events.readFlowEvent(notice.event);
    if (!event) return;
    await app.manager.applyRemote(event);
    // A reauth or reconfigure ended elsewhere changed the entry: its owner sets it up again.
    if (event.type === 'ended' && event.entryId && held.has(event.entryId))
      void app.runtime.reload(event.entryId).catch(() => {});
  };
  const resync = () => {
    queue = queue.then(async () => {
      if (!app) return;
      const rows = await entryStore.loadAll();
      const ids = new Set(rows.map((e) => e.entryId));
      for (const e of app.entries.list())
        if (!ids.has(e.entryId)) app.entries.applyRemote(e.entryId, undefined);
      for (const e of rows) app.entries.applyRemote(e.entryId, e);
    });
  };
  const events = new PgEvents(opts.url, pool, instance, { onResync: resync, log });
  events.on(apply);
  await events.start();

  let timer: unknown;
  let closed = false;
  const unsubscribe: (() => void)[] = [];

  const tick = async () => {
    if (!app) return;
    const runtime = app.runtime;
    // Relayed events are read within moments of their NOTIFY: ten minutes on, nobody needs them.
    await events.prune(EVENTS_KEPT_MS);
    // Flows: keep the locks of running steps and the work running here, then take over the progress
    // work of flows nobody runs (its owner died, or stopped).
    await flowStore.renew();
    for (const flowId of await flowStore.orphanedWork(progressSteps))
      await app.manager.takeOverWork(flowId).catch(() => {});
    const renewed = await leases.renewAll([...held].map(entryKey));
    for (const entryId of [...held]) {
      if (renewed.has(entryKey(entryId))) continue;
      // Taken over while this instance could not renew (paused, cut off): stop running it.
      held.delete(entryId);
      entryStore.drop(entryId);
      await runtime.unload(entryId).catch(() => {});
    }
    const now = opts.now?.() ?? null;
    const { rows } = await pool.query<{ entry_id: string }>(
      `SELECT e.entry_id FROM configflow_entries e
       LEFT JOIN configflow_leases l ON l.key = 'entry:' || e.entry_id
       WHERE l.key IS NULL OR l.expires_at <= COALESCE($1::bigint, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)`,
      [now],
    );
    for (const { entry_id } of rows) {
      const entry = app.entries.get(entry_id);
      if (!entry || entry.source === 'ignore') continue;
      await runtime.setup(entry_id).catch(() => {});
    }
  };
  const schedule = () => {
    if (closed) return;
    timer = clock.setTimeout(() => {
      void tick()
        .catch((error: unknown) => log(`configflow: lease renewal failed: ${String(error)}`))
        .finally(schedule);
    }, roundMs);
  };

  return {
    instance,
    pool,
    entryStore,
    flowStore,
    lock,
    leases,
    events,
    fordpassTokens: pgTokenStorage(pool, lock),
    ownership,
    reauthCounts: new PgReauthCounts(pool),
    owned: () => [...held],
    attach(target) {
      app = target;
      progressSteps = target.manager.handlerList().flatMap((root) =>
        [root, root.options].flatMap((flow) =>
          flow === undefined
            ? []
            : Object.entries(flow.steps)
                .filter(([, step]) => step.kind === 'progress')
                .map(([stepId]) => `${root.domain}/${flow.kind}/${stepId}`),
        ),
      );
      unsubscribe.push(
        target.manager.subscribe((event) => {
          if (event.remote) return;
          void events
            .publishFlow(event)
            .catch((error: unknown) => log(`configflow: cluster event: ${String(error)}`));
        }),
      );
      schedule();
    },
    tick,
    settled: async () => {
      let seen: Promise<void> | undefined;
      while (seen !== queue) {
        seen = queue;
        await queue;
      }
    },
    async close() {
      closed = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      for (const u of unsubscribe.splice(0)) u();
      await events.stop();
      await queue;
      await Promise.all([pool.end(), lockPool.end()]);
    },
  };
}
