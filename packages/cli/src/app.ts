import { join, resolve } from 'node:path';
import {
  ConfigEntries,
  EntryRuntime,
  FlowManager,
  type Integration,
  JsonFileEntryStore,
  JsonFileFlowStore,
  MemoryEntryStore,
  MemoryFlowStore,
} from '@configflow/core';
import type { PgCluster } from '@configflow/postgres';
import { ConfigError, type IntegrationContext, type StoreOption } from './config.ts';
import { lockDataDir } from './dataDirLock.ts';

/** What an app runs: its integrations, and what it started for them (stopped on close). */
export interface AppSetup {
  integrations: Integration[];
  /** Lines `serve` prints before its own (e.g. where the demo's Ford simulator listens). */
  banner?: string[];
  close?(): Promise<void>;
}

export interface AppOptions {
  /** Where entries, in-progress flows and integrations' files live. */
  dataDir: string;
  /** Makes the integrations once the data dir is held: a user's config, or the built-in demo. */
  setup(ctx: IntegrationContext): Promise<AppSetup>;
  /**
   * `file` (the default): entries.json and flows.json in the data dir; `memory`: nothing kept; a
   * `postgres://…` URL: entries and flows in that database, shared with the other servers on it.
   */
  store?: StoreOption;
  log?: (line: string) => void;
}

/** One configflow process: the registry, the flow manager and the entry runtime over one data dir. */
export interface App {
  manager: FlowManager;
  entries: ConfigEntries;
  runtime: EntryRuntime;
  integrations: Integration[];
  dataDir: string;
  banner: string[];
  close(): Promise<void>;
}

/** Rejects with `DataDirInUse` when another configflow process runs on the same data dir. */
export async function createApp(opts: AppOptions): Promise<App> {
  const dataDir = resolve(opts.dataDir);
  const unlock = await lockDataDir(dataDir);
  const log = opts.log ?? (() => {});
  let setup: AppSetup | undefined;
  let cluster: PgCluster | undefined;
  try {
    const memory = opts.store === 'memory';
    if (opts.store?.startsWith('postgres')) cluster = await openCluster(opts.store, log);
    setup = await opts.setup({
      dataDir,
      log,
      ...(cluster ? { sharedTokens: cluster.fordpassTokens } : {}),
    });
    const entries = new ConfigEntries({
      store:
        cluster?.entryStore ??
        (memory ? new MemoryEntryStore() : new JsonFileEntryStore(join(dataDir, 'entries.json'))),
    });
    await entries.load();
    const manager = new FlowManager({
      flows: setup.integrations.map((i) => i.flow),
      entries,
      store:
        cluster?.flowStore ??
        (memory ? new MemoryFlowStore() : new JsonFileFlowStore(join(dataDir, 'flows.json'))),
    });
    const runtime = new EntryRuntime({
      manager,
      integrations: setup.integrations,
      log,
      ...(cluster
        ? { lock: cluster.lock, ownership: cluster.ownership, reauthCounts: cluster.reauthCounts }
        : {}),
    });
    cluster?.attach({ entries, manager, runtime });
    await manager.start();
    await runtime.start();
    const started = setup;
    const joined = cluster;
    return {
      manager,
      entries,
      runtime,
      integrations: started.integrations,
      dataDir,
      banner: started.banner ?? [],
      async close() {
        await runtime.stop();
        await manager.stop();
        await entries.flush();
        await joined?.close();
        await started.close?.();
        await unlock();
      },
    };
  } catch (error) {
    await cluster?.close().catch(() => {});
    await setup?.close?.();
    await unlock();
    throw error;
  }
}

/** Loaded only for a cluster: a file or memory store never needs @configflow/postgres (an optional peer). */
async function openCluster(url: string, log: (line: string) => void): Promise<PgCluster> {
  let postgres: typeof import('@configflow/postgres');
  try {
    postgres = await import('@configflow/postgres');
  } catch {
    throw new ConfigError('store postgres://… needs @configflow/postgres: npm install @configflow/postgres');
  }
  // How long a killed server's entries wait before another server takes them (default 30 s).
  const lease = Number(process.env.CONFIGFLOW_LEASE_MS);
  // This server's name in leases and pg_stat_activity (default a random id): a soak tells them apart.
  const instance = process.env.CONFIGFLOW_INSTANCE || undefined;
  try {
    return await postgres.openPgCluster({
      url,
      log,
      ...(lease > 0 ? { leaseMs: lease } : {}),
      ...(instance ? { instance } : {}),
    });
  } catch (error) {
    // The URL may carry a password: only its host and database are said.
    const where = new URL(url);
    throw new ConfigError(
      `cannot open the store at ${where.host}${where.pathname}: ${(error as Error).message || String(error)}`,
    );
  }
}
