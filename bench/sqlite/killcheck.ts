/**
 * By hand (not in CI: better-sqlite3 is not installed there): a child process writes entries to an
 * SQLite store (synchronous=FULL) one at a time, printing each entry's id once its put() resolved;
 * the parent SIGKILLs it after a random delay, reopens the file and checks every acknowledged entry
 * is there with the acknowledged body (rounds alternate new entries and rewrites of existing ones).
 * A SIGKILL tests that an acknowledged write was committed, not held in the process; surviving a
 * power cut is what synchronous=FULL's fsync per commit is for, and is not tested here.
 * Run: CONFIGFLOW_BETTER_SQLITE3=/tmp/sqlite/node_modules/better-sqlite3 node --import tsx bench/sqlite/killcheck.ts [rounds]
 * On node-sqlite3-wasm: CONFIGFLOW_SQLITE_BACKEND=wasm (or wasm-wal) CONFIGFLOW_SQLITE_WASM=... (see ./backend.ts);
 * it also counts the kills that left the VFS's lock directory behind.
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigEntry } from '../../packages/core/src/index.ts';
import { BACKEND, openSqliteStore } from './backend.ts';

function entry(i: number, round: number): ConfigEntry {
  const at = new Date(1_750_000_000_000 + i).toISOString();
  return {
    entryId: `e${i}`,
    domain: 'kill',
    title: `Device ${i} round ${round}`,
    uniqueId: `device-${i}`,
    data: { host: `device-${i}.local`, round },
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

if (process.argv[2] === '--child') {
  const [path, roundArg] = process.argv.slice(3);
  const round = Number(roundArg);
  const store = openSqliteStore(path!);
  await store.loadAll();
  // Even rounds add e0, e1, ...; odd rounds rewrite e0.. (what the previous rounds left) with this round.
  for (let i = 0; ; i++) {
    await store.put(entry(round % 2 ? i % 500 : 1_000_000 * round + i, round));
    process.stdout.write(`${round % 2 ? i % 500 : 1_000_000 * round + i}\n`);
  }
} else {
  const rounds = Number(process.argv[2] ?? 20);
  const dir = await mkdtemp(join(tmpdir(), 'configflow-sqlite-kill-'));
  const path = join(dir, 'entries.db');
  const self = fileURLToPath(import.meta.url);
  let acked = 0;
  let staleLocks = 0;
  let lockedOpen: string | undefined;
  try {
    for (let round = 0; round < rounds; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', self, '--child', path, String(round)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      // Wait for the first acknowledgements, then kill at a random moment after.
      await new Promise<void>((resolve) => {
        const check = () => (out.includes('\n') ? resolve() : setTimeout(check, 5));
        check();
      });
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 300));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      // Only complete lines are acknowledgements (a torn last line was not fully written).
      const ids = out.split('\n').slice(0, -1).map(Number);
      // node-sqlite3-wasm's VFS locks with a directory `<db>.lock`, which a killed process leaves
      // behind: the file then reads "database is locked" until it is removed by hand (done here,
      // counted, so the check goes on to what was written).
      const lockDir = `${path}.lock`;
      if (existsSync(lockDir)) {
        staleLocks++;
        try {
          const blocked = openSqliteStore(path);
          try {
            await blocked.loadAll();
          } finally {
            blocked.close();
          }
          lockedOpen ??= 'opened and read despite the stale lock';
        } catch (error) {
          lockedOpen ??= (error as Error).message;
        }
        rmSync(lockDir, { recursive: true });
      }
      const store = openSqliteStore(path);
      const byId = new Map((await store.loadAll()).map((e) => [e.entryId, e]));
      store.close();
      // An id acked in this round must hold this round's body (an odd round's rewrites included).
      const missing = ids.filter((i) => byId.get(`e${i}`)?.data.round !== round);
      if (missing.length)
        throw new Error(`round ${round}: ${missing.length} acknowledged writes missing, e.g. e${missing[0]}`);
      acked += ids.length;
      process.stdout.write(`round ${round}: ${ids.length} acknowledged, all present (${byId.size} rows)\n`);
    }
    console.log(`kill -9 check OK (${BACKEND}): ${rounds} rounds, ${acked} acknowledged writes, none lost`);
    if (staleLocks)
      console.log(
        `stale lock: ${staleLocks} of ${rounds} kills left ${path}.lock behind (removed by hand here); opening with it: ${lockedOpen}`,
      );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
