/**
 * Which SQLite store the by-hand checks in this directory open: env CONFIGFLOW_SQLITE_BACKEND =
 * `better-sqlite3` (default; ../sqliteEntryStore.ts, WAL), `wasm` (../sqliteWasmEntryStore.ts,
 * rollback journal) or `wasm-wal` (the same, WAL with locking_mode=EXCLUSIVE). synchronous=FULL in all.
 */
import type { ConfigEntry, EntryStore } from '../../packages/core/src/index.ts';
import { SqliteEntryStore } from '../sqliteEntryStore.ts';
import { SqliteWasmEntryStore } from '../sqliteWasmEntryStore.ts';

export type SqliteCheckStore = EntryStore & { loadAll(): Promise<ConfigEntry[]>; close(): void };

export const BACKEND = process.env.CONFIGFLOW_SQLITE_BACKEND ?? 'better-sqlite3';

export function openSqliteStore(path: string): SqliteCheckStore {
  switch (BACKEND) {
    case 'better-sqlite3':
      return new SqliteEntryStore(path);
    case 'wasm':
      return new SqliteWasmEntryStore(path);
    case 'wasm-wal':
      return new SqliteWasmEntryStore(path, { journal: 'wal' });
    default:
      throw new Error(`CONFIGFLOW_SQLITE_BACKEND=${BACKEND}: expected better-sqlite3, wasm or wasm-wal`);
  }
}
