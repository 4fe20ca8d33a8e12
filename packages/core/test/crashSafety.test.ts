import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonFileEntryStore } from '../src/index.ts';

const child = fileURLToPath(new URL('./fixtures/writeForever.ts', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Starts the writer, lets it write for a random number of its own writes' worth of time, kills it. */
function runAndKill(path: string, waitMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, path], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    proc.once('error', reject);
    proc.stdout.once('data', () => setTimeout(() => proc.kill('SIGKILL'), waitMs));
    proc.once('exit', () => resolve());
  });
}

describe('crash safety of the JSON-file store', () => {
  it('a process killed mid-write many times leaves the old or the new file, never a torn one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-crash-'));
    dirs.push(dir);
    const path = join(dir, 'entries.json');
    let previous = 0;
    const kills = 25;
    for (let i = 0; i < kills; i++) {
      // The moment varies from kill to kill; what is asserted never depends on timing.
      await runAndKill(path, 5 + ((i * 37) % 60));
      const entries = await new JsonFileEntryStore(path).loadAll();
      expect(entries.length).toBeGreaterThanOrEqual(previous);
      for (const e of entries) {
        expect(e.data.blob).toMatch(/^x+$/);
        expect(e.title).toBe(`entry ${e.data.n}`);
      }
      previous = entries.length;
    }
    expect(previous).toBeGreaterThan(0);
    // Each temp file left behind is a write that a kill interrupted; they are never read as the store.
    const interrupted = (await readdir(dir)).filter((f) => f.endsWith('.tmp')).length;
    console.log(
      `crash safety: ${kills} kills, ${interrupted} interrupted mid-write, ${previous} entries intact`,
    );
    expect(JSON.parse(await readFile(path, 'utf8')).version).toBe(2);
  }, 120_000);

  it('migrates a version 1 store file on load', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-mig-'));
    dirs.push(dir);
    const path = join(dir, 'entries.json');
    const v1 = {
      version: 1,
      entries: [
        {
          entryId: 'e1',
          domain: 'x',
          title: 'T',
          uniqueId: null,
          data: {},
          options: {},
          version: 1,
          source: 'user',
          state: 'not_loaded',
          stateReason: 'old',
          createdAt: '',
          modifiedAt: '',
        },
      ],
    };
    await writeFile(path, JSON.stringify(v1));
    const [entry] = await new JsonFileEntryStore(path).loadAll();
    expect(entry).toMatchObject({ entryId: 'e1', minorVersion: 1, reason: 'old' });
    expect(entry).not.toHaveProperty('stateReason');
    await writeFile(path, JSON.stringify({ version: 99, entries: [] }));
    await expect(new JsonFileEntryStore(path).loadAll()).rejects.toThrow(/newer/);
  });
});
