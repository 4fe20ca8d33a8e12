import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serverPool } from './support.ts';

// Attacks 3 and 5: a tiny request with deeply nested `data`, and many flows with large `data`.
const pool = serverPool();
const dirs: string[] = [];
afterEach(async () => {
  await pool.stopAll();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function dataDir() {
  const dir = await mkdtemp(join(tmpdir(), 'cf-sec-'));
  dirs.push(dir);
  return dir;
}
const post = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('hostile flow data', () => {
  it('answers deeply nested data with 400 and creates nothing; 70 of them leave new flows and shutdown working', async () => {
    const dir = await dataDir();
    const t = await pool.start({ dataDir: dir });
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    for (let i = 0; i < 70; i++) {
      const r = await t.api('/api/flows', post(`{"handler":"hello","data":${deep}}`));
      expect(r.status).toBe(400);
      expect((await r.json()) as any).toMatchObject({ error: 'too_deep' });
    }
    expect(t.manager.list()).toEqual([]);
    expect(t.logs).toEqual([]);
    const ok = await t.api('/api/flows', { method: 'POST', json: { handler: 'hello' } });
    expect(ok.status).toBe(200);
    await t.stop();
    const flows = JSON.parse(await readFile(join(dir, 'flows.json'), 'utf8'));
    expect(flows.flows).toHaveLength(1);
  });

  it('the manager refuses such data itself (nothing created), whoever calls it', async () => {
    const t = await pool.start();
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    await expect(t.manager.init('hello', { data: deep as never })).rejects.toMatchObject({
      code: 'invalid_data',
    });
    await expect(t.manager.init('hello', { data: 'x'.repeat(20_000) })).rejects.toMatchObject({
      code: 'invalid_data',
    });
    expect(t.manager.list()).toEqual([]);
  });

  it('caps flows in progress per handler and overall (429), and data size (400)', async () => {
    const t = await pool.start({ manager: { maxFlows: 5, maxFlowsPerHandler: 3 } });
    const start = (handler: string) => t.api('/api/flows', { method: 'POST', json: { handler } });
    const big = await t.api('/api/flows', {
      method: 'POST',
      json: { handler: 'hello', data: { blob: 'x'.repeat(60 * 1024) } },
    });
    expect(big.status).toBe(400);
    expect((await big.json()) as any).toMatchObject({ error: 'invalid_data' });
    for (let i = 0; i < 3; i++) expect((await start('hello')).status).toBe(200);
    const perHandler = await start('hello');
    expect(perHandler.status).toBe(429);
    expect((await perHandler.json()) as any).toMatchObject({ error: 'too_many_flows' });
    expect((await start('showcase')).status).toBe(200);
    expect((await start('showcase')).status).toBe(200);
    expect((await start('showcase')).status).toBe(429);
    expect(t.manager.list()).toHaveLength(5);
    // A finished or aborted flow frees its place.
    const [first] = t.manager.list();
    expect((await t.api(`/api/flows/${first!.flowId}`, { method: 'DELETE' })).status).toBe(200);
    expect((await start(first!.handler)).status).toBe(200);
  });

  it('a step that fails (the entry store cannot write) leaves the flow where it was', async () => {
    const t = await pool.start({ dataDir: await dataDir() });
    const { flowId } = (await (
      await t.api('/api/flows', { method: 'POST', json: { handler: 'hello' } })
    ).json()) as any;
    const before = t.manager.list();
    // The entry store cannot write: the final step fails after the machine reached its end.
    const store = (t.entries as unknown as { store: { put: () => Promise<void> } }).store;
    const put = store.put;
    store.put = async () => {
      throw new Error('disk full');
    };
    const failed = await t.api(`/api/flows/${flowId}`, {
      method: 'POST',
      json: { host: 'h', apiToken: 'hello-1' },
    });
    expect(failed.status).toBe(500);
    expect(t.manager.list()).toEqual(before);
    expect((await (await t.api(`/api/flows/${flowId}`)).json()) as any).toMatchObject({
      type: 'form',
      stepId: 'user',
    });
    store.put = put;
    const retried = await t.api(`/api/flows/${flowId}`, {
      method: 'POST',
      json: { host: 'h', apiToken: 'hello-1' },
    });
    expect((await retried.json()) as any).toMatchObject({ type: 'create_entry' });
    expect(t.entries.list()).toHaveLength(1);
  });
});
