/**
 * By hand (not in CI: better-sqlite3 is not installed there): the SQLite store against the JSON-file
 * store on the same operations. A seeded random sequence of add / update / remove / reopen-and-loadAll
 * runs on both, through ConfigEntries and on the stores directly; after each step both stores'
 * loadAll() (on a fresh instance reading the file) must be deep-equal, order included.
 * Run: CONFIGFLOW_BETTER_SQLITE3=/tmp/sqlite/node_modules/better-sqlite3 node --import tsx bench/sqlite/roundtrip.ts [steps]
 * On node-sqlite3-wasm: CONFIGFLOW_SQLITE_BACKEND=wasm (or wasm-wal) CONFIGFLOW_SQLITE_WASM=... (see ./backend.ts).
 */
import { deepStrictEqual } from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigEntries, type ConfigEntry, JsonFileEntryStore } from '../../packages/core/src/index.ts';
import { BACKEND, openSqliteStore } from './backend.ts';

const steps = Number(process.argv[2] ?? 2_000);
let seed = 42;
const rand = (n: number) => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed % n;
};

function entry(i: number, rev: number): ConfigEntry {
  const at = new Date(1_750_000_000_000 + i * 1000 + rev).toISOString();
  return {
    entryId: `e${i}`,
    domain: 'check',
    title: `Device ${i} rev ${rev} «ünïcødé» "quoted" \\ back`,
    uniqueId: rev % 3 ? `device-${i}` : null,
    data: { host: `device-${i}.local`, port: 8000 + rev, nested: { list: [1, 'two', null, { deep: rev }] } },
    options: rev % 2 ? { scan: rev } : {},
    version: 1,
    minorVersion: 1,
    source: 'user',
    state: 'not_loaded',
    reason: rev % 5 ? null : 'setup failed',
    createdAt: at,
    modifiedAt: at,
  };
}

const dir = await mkdtemp(join(tmpdir(), 'configflow-sqlite-roundtrip-'));
const jsonPath = join(dir, 'entries.json');
const sqlPath = join(dir, 'entries.db');
let json = new JsonFileEntryStore(jsonPath);
let sql = openSqliteStore(sqlPath);
const stats = { put: 0, delete: 0, reopen: 0, viaEntries: 0 };
try {
  for (let step = 0; step < steps; step++) {
    const op = rand(10);
    const i = rand(60);
    if (op < 4) {
      const e = entry(i, step);
      await json.put(e);
      await sql.put(e);
      stats.put++;
    } else if (op < 6) {
      await json.delete(`e${i}`);
      await sql.delete(`e${i}`);
      stats.delete++;
    } else if (op < 8) {
      // Through ConfigEntries: setState / update on whatever both stores hold.
      const a = new ConfigEntries({ store: json });
      const b = new ConfigEntries({ store: sql });
      await a.load();
      await b.load();
      const target = a.list()[rand(Math.max(1, a.list().length))];
      if (target) {
        const state = step % 2 ? 'loaded' : 'setup_retry';
        await a.setState(target.entryId, state);
        await b.setState(target.entryId, state);
        stats.viaEntries++;
      }
    } else {
      await json.flush();
      sql.close();
      json = new JsonFileEntryStore(jsonPath);
      sql = openSqliteStore(sqlPath);
      // The JSON store holds what it last loaded: a fresh instance is loaded before it is written.
      await json.loadAll();
      await sql.loadAll();
      stats.reopen++;
    }
    await json.flush();
    const fromJson = await new JsonFileEntryStore(jsonPath).loadAll();
    const fresh = openSqliteStore(sqlPath);
    const fromSql = await fresh.loadAll();
    fresh.close();
    // setState writes modifiedAt from the wall clock on both sides a moment apart: compare without it.
    const strip = (es: ConfigEntry[]) => es.map(({ modifiedAt: _, ...rest }) => rest);
    deepStrictEqual(strip(fromSql), strip(fromJson), `step ${step}: stores differ`);
  }
  const final = await sql.loadAll();
  console.log(`round-trip OK (${BACKEND}): ${steps} steps`, stats, `${final.length} entries at the end`);
} finally {
  sql.close();
  await rm(dir, { recursive: true, force: true });
}
