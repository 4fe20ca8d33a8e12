/**
 * An SQLite `EntryStore` (issue 18 item 1's evaluation): one row per entry, WAL journal, and by default
 * `synchronous=FULL`, so every write is on disk when its promise resolves (as the JSON-file store's
 * fsync'd rename is). Used by bench/cluster.bench.ts and the checks in bench/sqlite/; not a package.
 *
 * better-sqlite3 is not a dependency of this workspace (a native addon: without a prebuilt binary its
 * install compiles SQLite with node-gyp, needing g++, make and python3). It is loaded lazily from the
 * path in env CONFIGFLOW_BETTER_SQLITE3 (the package directory, its entry file, or an `npm i --prefix`
 * directory holding node_modules/better-sqlite3), else by normal resolution from here.
 *   npm i --prefix /tmp/sqlite better-sqlite3@12.11.1
 *   export CONFIGFLOW_BETTER_SQLITE3=/tmp/sqlite/node_modules/better-sqlite3
 */
import type { ConfigEntry, EntryStore } from '../packages/core/src/index.ts';
import { loadOptional } from './optionalModule.ts';

/** The part of better-sqlite3's API used here (its types are not installed either). */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
}
export interface SqliteDatabase {
  pragma(source: string, options?: { simple?: boolean }): unknown;
  exec(source: string): void;
  prepare(source: string): SqliteStatement;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): void;
}
type DatabaseConstructor = new (path: string) => SqliteDatabase;

export const INSTALL_HINT =
  'install with `npm i --prefix /tmp/sqlite better-sqlite3@12.11.1` (compiles a native addon: needs g++, make, python3) and set CONFIGFLOW_BETTER_SQLITE3=/tmp/sqlite/node_modules/better-sqlite3';

let loaded: DatabaseConstructor | undefined;

/** better-sqlite3's `Database`, or a thrown Error saying why not and how to get it. */
export function loadBetterSqlite3(): DatabaseConstructor {
  loaded ??= loadOptional({
    pkg: 'better-sqlite3',
    env: 'CONFIGFLOW_BETTER_SQLITE3',
    hint: INSTALL_HINT,
    pick: (mod) => {
      const m = mod as DatabaseConstructor | { default: DatabaseConstructor };
      return typeof m === 'function' ? m : m.default;
    },
  });
  return loaded;
}

export const SQLITE_STORE_VERSION = 2;

/** The one table both SQLite stores keep, and their three statements (the same file either way). */
export const ENTRIES_TABLE = `CREATE TABLE IF NOT EXISTS entries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  entry_id TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL
)`;
export const SQL = {
  selectAll: 'SELECT body FROM entries ORDER BY seq',
  upsert:
    'INSERT INTO entries (entry_id, body) VALUES (?, ?) ON CONFLICT (entry_id) DO UPDATE SET body = excluded.body',
  remove: 'DELETE FROM entries WHERE entry_id = ?',
};

export interface SqliteEntryStoreOptions {
  /** `FULL` (default): each commit fsyncs the WAL. `NORMAL`: WAL fsync'd at checkpoints only, so a
   * power loss (not a process crash) can lose the last commits. */
  synchronous?: 'FULL' | 'NORMAL';
}

/**
 * Entries as rows of one SQLite file. `seq` keeps insertion order (an upsert keeps its row), so
 * `loadAll` lists entries in the order the JSON-file store does. Single process, like the JSON store:
 * no `update` hook (ConfigEntries uses `put`).
 */
export class SqliteEntryStore implements EntryStore {
  private readonly db: SqliteDatabase;
  private readonly selectAll: SqliteStatement;
  private readonly upsert: SqliteStatement;
  private readonly remove: SqliteStatement;

  constructor(
    readonly path: string,
    opts: SqliteEntryStoreOptions = {},
  ) {
    const Database = loadBetterSqlite3();
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SQLITE_STORE_VERSION)
      throw new Error(`${path}: store version ${version} is newer than this program`);
    this.db.exec(ENTRIES_TABLE);
    if (version < SQLITE_STORE_VERSION) this.db.pragma(`user_version = ${SQLITE_STORE_VERSION}`);
    this.selectAll = this.db.prepare(SQL.selectAll);
    this.upsert = this.db.prepare(SQL.upsert);
    this.remove = this.db.prepare(SQL.remove);
  }

  async loadAll(): Promise<ConfigEntry[]> {
    return (this.selectAll.all() as { body: string }[]).map((r) => JSON.parse(r.body) as ConfigEntry);
  }
  async put(entry: ConfigEntry): Promise<void> {
    this.upsert.run(entry.entryId, JSON.stringify(entry));
  }
  async delete(entryId: string): Promise<void> {
    this.remove.run(entryId);
  }
  /** Many entries in one transaction (one fsync): for seeding a benchmark. */
  putMany(entries: ConfigEntry[]): void {
    this.db.transaction((all: ConfigEntry[]) => {
      for (const e of all) this.upsert.run(e.entryId, JSON.stringify(e));
    })(entries);
  }
  async flush(): Promise<void> {}
  close(): void {
    this.db.close();
  }
}
