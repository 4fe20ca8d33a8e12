/**
 * Cluster benchmark (issue 18): one entry write and a reload at 1,000 / 10,000 / 100,000 entries for
 * the JSON-file store, PostgreSQL and SQLite (bench/sqliteEntryStore.ts, issue 18 item 1's evaluation:
 * synchronous=FULL, durable per write like the file store, and NORMAL), and flow steps/s through 1 and
 * 3 instances on one PostgreSQL.
 * It starts a throwaway PostgreSQL (Debian's server; `node scripts/ensure-postgres.mjs` installs it).
 * The 3 instances run in this one process, each with its own pool and LISTEN connection: the row
 * measures what sharing the database costs, not what more CPUs would add.
 * SQLite rows need better-sqlite3, which is not a dependency (a native addon compiled on install):
 * `npm i --prefix /tmp/sqlite better-sqlite3@12.11.1`, then CONFIGFLOW_BETTER_SQLITE3=/tmp/sqlite/node_modules/better-sqlite3;
 * without it they are skipped with a note. SQLite (WASM) rows need node-sqlite3-wasm, not a dependency
 * either (WebAssembly, nothing compiled): `npm i --prefix /tmp/sqlwasm node-sqlite3-wasm@0.8.60`, then
 * CONFIGFLOW_SQLITE_WASM=/tmp/sqlwasm/node_modules/node-sqlite3-wasm (bench/sqliteWasmEntryStore.ts).
 * Reproduce: [CONFIGFLOW_BETTER_SQLITE3=...] [CONFIGFLOW_SQLITE_WASM=...] node --expose-gc --import tsx bench/cluster.bench.ts [--quick]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENTRY_STORE_VERSION } from '../packages/core/src/entryStore.ts';
import {
  ConfigEntries,
  type ConfigEntry,
  type EntryStore,
  FlowManager,
  JsonFileEntryStore,
} from '../packages/core/src/index.ts';
import { openPgCluster, PgEntryStore, startLocalCluster } from '../packages/postgres/src/index.ts';
import { loadBetterSqlite3, SqliteEntryStore } from './sqliteEntryStore.ts';
import { loadSqliteWasm, SqliteWasmEntryStore } from './sqliteWasmEntryStore.ts';
import { createThreeStepFlow, STEP1, STEP2 } from './threeStepFlow.ts';

export const REPRODUCE = 'node --expose-gc --import tsx bench/cluster.bench.ts';

export interface ClusterRow {
  name: string;
  value: number;
  unit: string;
  baseline?: string;
}

function entry(i: number): ConfigEntry {
  const at = new Date(1_750_000_000_000 + i).toISOString();
  return {
    entryId: `e${String(i).padStart(7, '0')}`,
    domain: 'bench',
    title: `Device ${i}`,
    uniqueId: `device-${i}`,
    data: { host: `device-${i}.local`, port: 8443, username: 'admin' },
    options: {},
    version: 1,
    minorVersion: 1,
    source: 'user',
    state: 'not_loaded',
    reason: null,
    createdAt: at,
    modifiedAt: at,
  };
}

/** Reload (`ConfigEntries.load`) and the mean of `writes` state changes, on a store holding `n` entries. */
async function measure(
  store: () => EntryStore,
  writes: number,
): Promise<{ reloadMs: number; writeMs: number }> {
  const entries = new ConfigEntries({ store: store() });
  const t0 = performance.now();
  await entries.load();
  const reloadMs = performance.now() - t0;
  const ids = entries.list().slice(0, writes);
  const t1 = performance.now();
  // Each write changes the state (setState with the state an entry already has writes nothing): a
  // second measure on one file (SQLite's second mode) would otherwise time no-ops.
  for (const e of ids) await entries.setState(e.entryId, e.state === 'loaded' ? 'setup_retry' : 'loaded');
  await entries.flush();
  return { reloadMs, writeMs: (performance.now() - t1) / ids.length };
}

async function entryRows(
  url: string,
  sizes: number[],
  writes: number,
  notes: string[],
): Promise<ClusterRow[]> {
  const rows: ClusterRow[] = [];
  let sqlite = true;
  try {
    loadBetterSqlite3();
  } catch (error) {
    sqlite = false;
    notes.push(`SQLite rows skipped: ${(error as Error).message}`);
  }
  let sqliteWasm = true;
  try {
    loadSqliteWasm();
  } catch (error) {
    sqliteWasm = false;
    notes.push(`SQLite (WASM) rows skipped: ${(error as Error).message}`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'configflow-bench-'));
  const cluster = await openPgCluster({ url, instance: 'bench-entries', poolSize: 4 });
  const { pool } = cluster;
  try {
    for (const n of sizes) {
      const all = Array.from({ length: n }, (_, i) => entry(i));
      const path = join(dir, `entries-${n}.json`);
      await writeFile(path, JSON.stringify({ version: ENTRY_STORE_VERSION, entries: all }));
      const file = await measure(() => new JsonFileEntryStore(path), writes);
      await pool.query('TRUNCATE configflow_entries');
      // Bulk-loaded in chunks: the rows are what a long-running cluster would hold.
      for (let i = 0; i < n; i += 5_000) {
        const chunk = all.slice(i, i + 5_000);
        await pool.query(
          'INSERT INTO configflow_entries (entry_id, body) SELECT e->>$2, e FROM jsonb_array_elements($1::jsonb) e',
          [JSON.stringify(chunk), 'entryId'],
        );
      }
      const db = await measure(() => new PgEntryStore(pool, 'bench'), writes);
      const label = n.toLocaleString('en-US');
      rows.push(
        { name: `entries: file store, one write at ${label}`, value: file.writeMs, unit: 'ms' },
        {
          name: `entries: PostgreSQL, one write at ${label}`,
          value: db.writeMs,
          unit: 'ms',
          baseline: `entries: file store, one write at ${label}`,
        },
        { name: `entries: file store, reload at ${label}`, value: file.reloadMs, unit: 'ms' },
        {
          name: `entries: PostgreSQL, reload at ${label}`,
          value: db.reloadMs,
          unit: 'ms',
          baseline: `entries: file store, reload at ${label}`,
        },
      );
      if (sqlite) rows.push(...(await sqliteRows(join(dir, `entries-${n}.db`), all, writes, label)));
      if (sqliteWasm)
        rows.push(...(await sqliteWasmRows(join(dir, `entries-${n}.wasm.db`), all, writes, label)));
    }
  } finally {
    await cluster.close();
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

/** A store to measure, and how it is named in its rows. */
interface Variant {
  what: string;
  open: () => EntryStore & { close(): void };
}

/** The stores' rows at one size, each against the file store: one write and a reload. */
async function variantRows(variants: Variant[], writes: number, label: string): Promise<ClusterRow[]> {
  const rows: ClusterRow[] = [];
  for (const { what, open } of variants) {
    let store: (EntryStore & { close(): void }) | undefined;
    const r = await measure(() => {
      store = open();
      return store;
    }, writes);
    store?.close();
    rows.push(
      {
        name: `entries: ${what}, one write at ${label}`,
        value: r.writeMs,
        unit: 'ms',
        baseline: `entries: file store, one write at ${label}`,
      },
      {
        name: `entries: ${what}, reload at ${label}`,
        value: r.reloadMs,
        unit: 'ms',
        baseline: `entries: file store, reload at ${label}`,
      },
    );
  }
  return rows;
}

/** better-sqlite3 rows at one size: the file seeded in one transaction, then FULL and NORMAL. */
function sqliteRows(path: string, all: ConfigEntry[], writes: number, label: string): Promise<ClusterRow[]> {
  const seed = new SqliteEntryStore(path);
  seed.putMany(all);
  seed.close();
  return variantRows(
    [
      {
        what: 'SQLite (synchronous=FULL)',
        open: () => new SqliteEntryStore(path, { synchronous: 'FULL' }),
      },
      {
        what: 'SQLite (synchronous=NORMAL, no fsync per write)',
        open: () => new SqliteEntryStore(path, { synchronous: 'NORMAL' }),
      },
    ],
    writes,
    label,
  );
}

/** node-sqlite3-wasm rows at one size: rollback journal (its default; the lock taken per transaction)
 * and WAL (only with locking_mode=EXCLUSIVE in its VFS), both synchronous=FULL. */
function sqliteWasmRows(
  path: string,
  all: ConfigEntry[],
  writes: number,
  label: string,
): Promise<ClusterRow[]> {
  const seed = new SqliteWasmEntryStore(path);
  seed.putMany(all);
  seed.close();
  return variantRows(
    [
      {
        what: 'SQLite (WASM, node-sqlite3-wasm, rollback journal, synchronous=FULL)',
        open: () => new SqliteWasmEntryStore(path, { journal: 'delete' }),
      },
      {
        what: 'SQLite (WASM, node-sqlite3-wasm, WAL + exclusive lock, synchronous=FULL)',
        open: () => new SqliteWasmEntryStore(path, { journal: 'wal' }),
      },
    ],
    writes,
    label,
  );
}

/** `flows` three-step flows (init, two submits, create_entry) spread over `instances` managers. */
async function flowSteps(
  url: string,
  instances: number,
  flows: number,
  concurrency: number,
): Promise<number> {
  const flow = createThreeStepFlow();
  const nodes = await Promise.all(
    Array.from({ length: instances }, async (_, i) => {
      const cluster = await openPgCluster({
        url,
        instance: `bench-${instances}-${i}`,
        poolSize: concurrency,
      });
      const entries = new ConfigEntries({ store: cluster.entryStore });
      const manager = new FlowManager({ flows: [flow], entries, store: cluster.flowStore, idleTimeoutMs: 0 });
      return { cluster, manager };
    }),
  );
  let next = 0;
  const worker = async (node: (typeof nodes)[number]) => {
    while (next < flows) {
      next++;
      const { flowId } = await node.manager.init('bench');
      await node.manager.configure(flowId, STEP1);
      const end = await node.manager.configure(flowId, STEP2);
      if (end.type !== 'create_entry') throw new Error('bench flow did not finish');
    }
  };
  const t0 = performance.now();
  await Promise.all(nodes.flatMap((node) => Array.from({ length: concurrency }, () => worker(node))));
  const seconds = (performance.now() - t0) / 1000;
  for (const node of nodes) {
    await node.manager.stop();
    await node.cluster.close();
  }
  return (flows * 3) / seconds;
}

/** `notes`: lines to print under the table (the SQLite rows' skip notes). */
export async function run(opts: { quick?: boolean; notes?: string[] } = {}): Promise<ClusterRow[]> {
  const sizes = opts.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
  const local = await startLocalCluster();
  try {
    const rows = await entryRows(
      await local.createDatabase('bench_entries'),
      sizes,
      opts.quick ? 5 : 20,
      opts.notes ?? [],
    );
    const flows = opts.quick ? 300 : 2_000;
    const one = await flowSteps(await local.createDatabase('bench_flows_1'), 1, flows, 8);
    const three = await flowSteps(await local.createDatabase('bench_flows_3'), 3, flows, 8);
    rows.push(
      { name: 'flows on PostgreSQL: 1 instance, steps/s', value: one, unit: 'steps/s' },
      {
        name: 'flows on PostgreSQL: 3 instances (one process), steps/s',
        value: three,
        unit: 'steps/s',
        baseline: 'flows on PostgreSQL: 1 instance, steps/s',
      },
    );
    return rows;
  } finally {
    await local.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const notes: string[] = [];
  const rows = await run({ quick: process.argv.includes('--quick'), notes });
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    const value = r.value >= 100 ? Math.round(r.value).toLocaleString('en-US') : r.value.toFixed(2);
    process.stdout.write(`${r.name.padEnd(width)}  ${value} ${r.unit}\n`);
  }
  for (const note of notes) process.stdout.write(`\n${note}\n`);
}
