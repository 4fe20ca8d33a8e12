import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** The lock's file name inside the data dir; it holds the owner's process id. */
export const LOCK_FILE = 'configflow.lock';

/** Another configflow process (or this one) already runs on the data dir. */
export class DataDirInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the data dir ${dataDir} is in use by configflow process ${pid}; stop it first, or use another --data-dir ` +
        `(if no such process runs, delete ${join(dataDir, LOCK_FILE)})`,
    );
    this.name = 'DataDirInUse';
  }
}

/** Data dirs this process holds, so a second app in one process is refused too. */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Links `from` into place as `path` unless `path` exists; false if it does. */
async function create(from: string, path: string): Promise<boolean> {
  try {
    await link(from, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * One configflow process per data dir. Two would poll the same entries and refresh the same Ford
 * refresh tokens, which rotate (the loser gets 460 and asks for a reauth), and each would overwrite
 * the other's entries.json. A crash leaves the lock file behind, so a lock whose process is gone is
 * taken over (a restarted container often gets its old pid back: our own pid counts as gone too).
 * Resolves with the function that releases the lock.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const dir = resolve(dataDir);
  if (held.has(dir)) throw new DataDirInUse(dir, process.pid);
  held.add(dir); // at once: a second app in this process must not race past the check above
  const path = join(dir, LOCK_FILE);
  // Written aside and linked into place: the lock appears with its pid in it, never empty.
  const mine = `${path}.${process.pid}`;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(mine, `${process.pid}\n`);
    for (let attempt = 0; ; attempt++) {
      if (await create(mine, path)) break;
      const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner))
        throw new DataDirInUse(dir, owner);
      if (attempt > 0) throw new Error(`${path}: cannot take over the stale lock`);
      await unlink(path).catch(() => {}); // stale: its process is gone
    }
  } catch (error) {
    held.delete(dir);
    throw error;
  } finally {
    await unlink(mine).catch(() => {});
  }
  return async () => {
    if (!held.delete(dir)) return;
    // Only our own lock: never a lock another process took over meanwhile.
    const owner = await readFile(path, 'utf8').catch(() => '');
    if (Number.parseInt(owner, 10) === process.pid) await unlink(path).catch(() => {});
  };
}
