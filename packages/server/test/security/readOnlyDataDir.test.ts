import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonFileFlowStore } from '@configflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestServer } from '../fixtures/testApp.ts';
import { serverPool } from './support.ts';

// Attack 7: the data dir stops accepting writes (read-only mount, full disk). Tests run as root here,
// where chmod does not stop a write, so the dir is swapped for a plain file: every write then fails.
const pool = serverPool();
const dirs: string[] = [];
afterEach(async () => {
  await pool.stopAll();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function create(t: TestServer, host: string) {
  const { flowId } = (await (
    await t.api('/api/flows', { method: 'POST', json: { handler: 'hello' } })
  ).json()) as any;
  return t.api(`/api/flows/${flowId}`, { method: 'POST', json: { host, apiToken: 'hello-1' } });
}

describe('a data dir that cannot be written', () => {
  it('a failed create or delete fails the request and leaves memory equal to disk, across a restart', async () => {
    const root = await mkdtemp(join(tmpdir(), 'cf-sec-'));
    dirs.push(root);
    const dir = join(root, 'data');
    let t = await pool.start({ dataDir: dir });
    const kept = ((await (await create(t, 'kept')).json()) as any).entry.entryId as string;
    // Nothing may still be writing when the dir goes away: the entry's setup and the trailing flow write.
    await expect.poll(() => t.entries.get(kept)?.state, { timeout: 15_000 }).toBe('loaded');
    await t.runtime.idle();
    await t.manager.idle();
    await t.entries.flush();
    await t.flowStore!.flush();

    await rename(dir, `${dir}.away`);
    await writeFile(dir, 'not a directory');
    expect((await create(t, 'failed')).status).toBe(500);
    expect((await t.api(`/api/entries/${kept}`, { method: 'DELETE' })).status).toBe(500);
    const titles = () => t.entries.list().map((e) => e.title);
    expect(titles()).toEqual(['Hello at kept']);

    await rm(dir);
    await rename(`${dir}.away`, dir);
    // The next write that succeeds must carry neither the failed create nor the failed delete.
    expect((await create(t, 'later')).status).toBe(200);
    expect(titles().sort()).toEqual(['Hello at kept', 'Hello at later']);
    await t.stop();
    t = await pool.start({ dataDir: dir });
    expect(titles().sort()).toEqual(['Hello at kept', 'Hello at later']);
  });
});

describe('flow store write failures', () => {
  it('are logged as they happen, once per failed write', async () => {
    const root = await mkdtemp(join(tmpdir(), 'cf-sec-'));
    dirs.push(root);
    await writeFile(join(root, 'data'), 'not a directory');
    const lines: string[] = [];
    const store = new JsonFileFlowStore(join(root, 'data', 'flows.json'), { log: (l) => lines.push(l) });
    const record = {
      flowId: 'f',
      handler: 'h',
      kind: 'config' as const,
      version: 1,
      source: 'user' as const,
      stepId: 's',
      snapshot: '{}',
      updatedAt: 0,
    };
    await store.put(record);
    await store.put({ ...record, flowId: 'g' });
    await expect(store.flush()).rejects.toThrow();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/writing .*flows\.json failed/);
  });
});
