import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirInUse, LOCK_FILE, lockDataDir } from '../src/dataDirLock.ts';

describe('lockDataDir', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'configflow-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lets one of two apps in one process racing for a dir have it', async () => {
    const results = await Promise.allSettled([lockDataDir(dir), lockDataDir(dir)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(DataDirInUse);
    expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    await (won[0] as PromiseFulfilledResult<() => Promise<void>>).value();
    expect(await readdir(dir)).toEqual([]); // the lock and its temporary file are gone
    await (await lockDataDir(dir))();
  });

  it('refuses a dir whose lock names a live process, and says which', async () => {
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await writeFile(join(dir, LOCK_FILE), `${other.pid}\n`);
      await expect(lockDataDir(dir)).rejects.toMatchObject({ name: 'DataDirInUse', pid: other.pid });
      expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(`${other.pid}\n`);
    } finally {
      other.kill('SIGKILL');
      await new Promise((done) => other.once('exit', done));
    }
    // Its process is gone now: the lock is stale and taken over.
    const release = await lockDataDir(dir);
    expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    await release();
  });

  it("takes over a lock with this process's own pid that it does not hold (a restarted container)", async () => {
    await writeFile(join(dir, LOCK_FILE), `${process.pid}\n`);
    const release = await lockDataDir(dir);
    await expect(lockDataDir(dir)).rejects.toBeInstanceOf(DataDirInUse);
    await release();
    await expect(readFile(join(dir, LOCK_FILE), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
