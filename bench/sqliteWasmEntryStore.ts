/**
 * An SQLite `EntryStore` on node-sqlite3-wasm (issue 18 item 1: the WebAssembly objection to the
 * native better-sqlite3 of ./sqliteEntryStore.ts). SQLite compiled to WebAssembly with a VFS that maps
 * file access to node:fs: nothing is compiled on install, it runs wherever Node runs. Same table,
 * same `synchronous=FULL` default, same results (bench/sqlite/roundtrip.ts). Not a package.
 *
 * What its VFS (dist/node-sqlite3-wasm.js, 0.8.60) does, and so what this store can offer:
 * - xSync is `fs.fsyncSync(fd)`: with synchronous=FULL each commit is fsync'd (journal, then database).
 * - No shared-memory methods (xShm*): `journal_mode=WAL` is refused (stays `delete`) unless
 *   `locking_mode=EXCLUSIVE`, which holds the lock for the connection's life (one process only).
 * - xLock is `mkdirSync('<db>.lock')`, one level for every lock (no shared readers), xUnlock its
 *   rmdir. Two processes exclude each other (SQLITE_BUSY, not corruption), but a process killed while
 *   holding the lock leaves `<db>.lock` behind and every later open reads "database is locked" until
 *   it is removed by hand (bench/sqlite/killcheck.ts shows it).
 *
 * node-sqlite3-wasm is not a dependency of this workspace. It is loaded lazily from the path in env
 * CONFIGFLOW_SQLITE_WASM (the package directory, or an `npm i --prefix` directory holding
 * node_modules/node-sqlite3-wasm), else by normal resolution from here.
 *   npm i --prefix /tmp/sqlwasm node-sqlite3-wasm@0.8.60
 *   export CONFIGFLOW_SQLITE_WASM=/tmp/sqlwasm/node_modules/node-sqlite3-wasm
 */
import type { ConfigEntry, EntryStore } from '../packages/core/src/index.ts';
import { loadOptional } from './optionalModule.ts';
import { ENTRIES_TABLE, SQL, SQLITE_STORE_VERSION } from './sqliteEntryStore.ts';

/** The part of node-sqlite3-wasm's API used here (its package is not installed in the workspace). */
interface WasmStatement {
  run(values?: unknown): { changes: number };
  all(values?: unknown): Record<string, unknown>[];
  finalize(): void;
}
interface WasmDatabase {
  exec(sql: string): void;
  all(sql: string, values?: unknown): Record<string, unknown>[];
  get(sql: string, values?: unknown): Record<string, unknown> | null;
  prepare(sql: string): WasmStatement;
  close(): void;
}
type WasmDatabaseConstructor = new (path: string) => WasmDatabase;

export const WASM_INSTALL_HINT =
  'install with `npm i --prefix /tmp/sqlwasm node-sqlite3-wasm@0.8.60` (WebAssembly: no compiler) and set CONFIGFLOW_SQLITE_WASM=/tmp/sqlwasm/node_modules/node-sqlite3-wasm';

let loaded: WasmDatabaseConstructor | undefined;

/** node-sqlite3-wasm's `Database`, or a thrown Error saying why not and how to get it. */
export function loadSqliteWasm(): WasmDatabaseConstructor {
  loaded ??= loadOptional({
    pkg: 'node-sqlite3-wasm',
    env: 'CONFIGFLOW_SQLITE_WASM',
    hint: WASM_INSTALL_HINT,
    pick: (mod) => {
      const { Database } = mod as { Database?: WasmDatabaseConstructor };
      if (typeof Database !== 'function') throw new Error('no Database export');
      return Database;
    },
  });
  return loaded;
}

export interface SqliteWasmEntryStoreOptions {
  /** `delete` (default): rollback journal, the lock taken per transaction, so other processes can
   * take turns. `wal`: WAL, which this VFS allows only with `locking_mode=EXCLUSIVE` (the lock held
   * until close: one process). */
  journal?: 'delete' | 'wal';
  /** `FULL` (default): each commit fsync'd. `NORMAL`: fewer fsyncs (in WAL: at checkpoints only). */
  synchronous?: 'FULL' | 'NORMAL';
}

/** Entries as rows of one SQLite file, as SqliteEntryStore keeps them (same schema and version). */
export class SqliteWasmEntryStore implements EntryStore {
  private readonly db: WasmDatabase;
  private readonly selectAll: WasmStatement;
  private readonly upsert: WasmStatement;
  private readonly remove: WasmStatement;

  constructor(
    readonly path: string,
    opts: SqliteWasmEntryStoreOptions = {},
  ) {
    const Database = loadSqliteWasm();
    this.db = new Database(path);
    try {
      if (opts.journal === 'wal') {
        this.db.exec('PRAGMA locking_mode = EXCLUSIVE');
        const mode = this.db.get('PRAGMA journal_mode = WAL')?.journal_mode;
        if (mode !== 'wal') throw new Error(`${path}: journal_mode=WAL refused (got ${String(mode)})`);
      } else {
        this.db.exec('PRAGMA journal_mode = DELETE');
      }
      this.db.exec(`PRAGMA synchronous = ${opts.synchronous ?? 'FULL'}`);
      const version = Number(this.db.get('PRAGMA user_version')?.user_version ?? 0);
      if (version > SQLITE_STORE_VERSION)
        throw new Error(`${path}: store version ${version} is newer than this program`);
      this.db.exec(ENTRIES_TABLE);
      if (version < SQLITE_STORE_VERSION) this.db.exec(`PRAGMA user_version = ${SQLITE_STORE_VERSION}`);
    } catch (error) {
      this.db.close();
      throw error;
    }
    // Prepared after the schema exists (preparing reads it: "database is locked" while another holds the lock).
    const prepared: WasmStatement[] = [];
    try {
      for (const sql of [SQL.selectAll, SQL.upsert, SQL.remove]) prepared.push(this.db.prepare(sql));
    } catch (error) {
      for (const st of prepared) st.finalize();
      this.db.close();
      throw error;
    }
    [this.selectAll, this.upsert, this.remove] = prepared as [WasmStatement, WasmStatement, WasmStatement];
  }

  async loadAll(): Promise<ConfigEntry[]> {
    return this.selectAll.all().map((r) => JSON.parse(r.body as string) as ConfigEntry);
  }
  async put(entry: ConfigEntry): Promise<void> {
    this.upsert.run([entry.entryId, JSON.stringify(entry)]);
  }
  async delete(entryId: string): Promise<void> {
    this.remove.run([entryId]);
  }
  /** Many entries in one transaction (one fsync): for seeding a benchmark. */
  putMany(entries: ConfigEntry[]): void {
    this.db.exec('BEGIN');
    try {
      for (const e of entries) this.upsert.run([e.entryId, JSON.stringify(e)]);
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }
  async flush(): Promise<void> {}
  /** Statements are not garbage-collected by node-sqlite3-wasm: finalized here, then the database. */
  close(): void {
    this.selectAll.finalize();
    this.upsert.finalize();
    this.remove.finalize();
    this.db.close();
  }
}
