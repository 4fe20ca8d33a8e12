import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestServer } from '../fixtures/testApp.ts';
import { serverPool } from './support.ts';

// Attacks 4 and 8: a DELETE racing what writes the same entry or ends the same flow.
const pool = serverPool();
const dirs: string[] = [];
afterEach(async () => {
  await pool.stopAll();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function helloEntry(t: TestServer, host: string): Promise<string> {
  const { flowId } = (await (
    await t.api('/api/flows', { method: 'POST', json: { handler: 'hello' } })
  ).json()) as any;
  const done = (await (
    await t.api(`/api/flows/${flowId}`, { method: 'POST', json: { host, apiToken: 'hello-1' } })
  ).json()) as any;
  return done.entry.entryId;
}

const onDisk = async (dir: string) =>
  (JSON.parse(await readFile(join(dir, 'entries.json'), 'utf8')).entries as { entryId: string }[]).map(
    (e) => e.entryId,
  );

describe('deleted entries stay deleted', () => {
  it('40 DELETEs racing a reload or an options flow: every removed:true entry is gone from memory and disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-sec-'));
    dirs.push(dir);
    const t = await pool.start({ dataDir: dir });
    const removed: string[] = [];
    for (let i = 0; i < 40; i++) {
      const id = await helloEntry(t, `h${i}`);
      await t.runtime.idle();
      const race =
        i % 2 === 0
          ? t.api(`/api/entries/${id}/reload`, { method: 'POST' })
          : t.api(`/api/entries/${id}/options`, { method: 'POST' }).then(async (r) => {
              const flow = (await r.json()) as any;
              if (r.status !== 200) return r;
              return t.api(`/api/flows/${flow.flowId}`, { method: 'POST', json: { scanInterval: 30 } });
            });
      const [del] = await Promise.all([t.api(`/api/entries/${id}`, { method: 'DELETE' }), race]);
      const body = (await del.json()) as any;
      if (body.removed === true) removed.push(id);
    }
    expect(removed.length).toBe(40);
    await t.runtime.idle();
    await t.entries.flush();
    const disk = await onDisk(dir);
    for (const id of removed) {
      expect(t.entries.get(id), id).toBeUndefined();
      expect(disk, id).not.toContain(id);
      // Not set up again: a deleted vehicle must not resume polling.
      expect((t.runtime as unknown as { slots: Map<string, unknown> }).slots.has(id), id).toBe(false);
    }
    expect(((await (await t.api('/api/entries')).json()) as any).length).toBe(0);
  });

  it('an update racing a delete fails with unknown_entry instead of writing the entry back', async () => {
    const t = await pool.start();
    const id = await helloEntry(t, 'h');
    const [update, remove] = await Promise.allSettled([
      t.entries.update(id, { title: 'renamed' }),
      t.entries.remove(id),
    ]);
    expect(remove.status).toBe('fulfilled');
    expect(update).toMatchObject({ status: 'rejected', reason: { code: 'unknown_entry' } });
    expect(t.entries.get(id)).toBeUndefined();
  });
});

describe('DELETE /api/flows/:id answers what happened', () => {
  it('a DELETE queued behind the final submit answers 409 flow_finished, one queued before it aborts', async () => {
    const t = await pool.start();
    const connect = t.hello.connect.bind(t.hello);
    for (let i = 0; i < 20; i++) {
      const { flowId } = (await (
        await t.api('/api/flows', { method: 'POST', json: { handler: 'hello' } })
      ).json()) as any;
      const submitFirst = i % 2 === 0;
      let release!: () => void;
      const reached = new Promise<void>((resolve) => {
        // The submit's handler waits here, inside the flow's turn, until the DELETE is queued behind it.
        if (!submitFirst) return;
        t.hello.connect = async (host, token) => {
          t.hello.connect = connect;
          resolve();
          await new Promise<void>((r) => {
            release = r;
          });
          return connect(host, token);
        };
      });
      let submit: Promise<Response>;
      let del: Promise<Response>;
      if (submitFirst) {
        submit = t.api(`/api/flows/${flowId}`, {
          method: 'POST',
          json: { host: `r${i}`, apiToken: 'hello-1' },
        });
        await reached;
        // `abort` queues its turn synchronously: once called, the DELETE waits behind the submit.
        const abort = t.manager.abort.bind(t.manager);
        const queued = new Promise<void>((resolve) => {
          t.manager.abort = (id, reason) => {
            const done = abort(id, reason);
            resolve();
            return done;
          };
        });
        del = t.api(`/api/flows/${flowId}`, { method: 'DELETE' });
        await queued;
        t.manager.abort = abort;
        release();
      } else {
        del = t.api(`/api/flows/${flowId}`, { method: 'DELETE' });
        await del;
        submit = t.api(`/api/flows/${flowId}`, {
          method: 'POST',
          json: { host: `r${i}`, apiToken: 'hello-1' },
        });
      }
      const [s, d] = await Promise.all([submit, del]);
      const created = s.status === 200 && ((await s.json()) as any).type === 'create_entry';
      expect(created).toBe(submitFirst);
      if (submitFirst) {
        expect(d.status).toBe(409);
        expect((await d.json()) as any).toMatchObject({ error: 'flow_finished' });
      } else {
        expect((await d.json()) as any).toEqual({ flowId, aborted: true });
      }
    }
    expect(t.entries.list()).toHaveLength(10);
  });
});
