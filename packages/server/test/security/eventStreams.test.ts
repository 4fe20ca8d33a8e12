import { afterEach, describe, expect, it } from 'vitest';
import { SseClient } from '../fixtures/sseClient.ts';
import { serverPool } from './support.ts';

// Attack 12: every SSE subscriber added work to every step, and streams had no cap.
const pool = serverPool();
const clients: SseClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await pool.stopAll();
});

const listeners = (o: unknown) => (o as { listeners: Set<unknown> }).listeners.size;

describe('event streams', () => {
  it('50 open streams cost a step one rendering: the manager and registry have one listener each', async () => {
    const t = await pool.start();
    const before = { flows: listeners(t.manager), entries: listeners(t.entries) };
    for (let i = 0; i < 50; i++) clients.push(await SseClient.open(`${t.url}/api/events`));
    expect(listeners(t.manager)).toBe(before.flows + 1);
    expect(listeners(t.entries)).toBe(before.entries + 1);
    const { flowId } = (await (
      await t.api('/api/flows', { method: 'POST', json: { handler: 'hello' } })
    ).json()) as any;
    for (const c of clients) await c.waitFor((e) => e.event === 'created' && e.data.flowId === flowId);
    for (const c of clients.splice(0)) c.close();
  });

  it('refuses streams beyond the cap with 503, and frees a place when one closes', async () => {
    const t = await pool.start({ server: { maxEventStreams: 3 } });
    for (let i = 0; i < 3; i++) clients.push(await SseClient.open(`${t.url}/api/events`));
    const refused = await fetch(`${t.url}/api/events`);
    expect(refused.status).toBe(503);
    expect((await refused.json()) as any).toMatchObject({ error: 'too_many_streams' });
    clients.shift()!.close();
    // The server sees the close when the socket ends; a new stream is served once it has.
    let opened: SseClient | undefined;
    while (!opened) opened = await SseClient.open(`${t.url}/api/events`).catch(() => undefined);
    clients.push(opened);
  });
});
