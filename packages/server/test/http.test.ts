import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SseClient } from './fixtures/sseClient.ts';
import { startTestServer, type TestServer } from './fixtures/testApp.ts';

const servers: TestServer[] = [];
const clients: SseClient[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function start(opts: Parameters<typeof startTestServer>[0] = {}) {
  const s = await startTestServer(opts);
  servers.push(s);
  return s;
}
const raw = (t: TestServer, path: string, init: RequestInit = {}) => fetch(`${t.url}${path}`, init);

describe('protocol', () => {
  it('binds to loopback and serves JSON 404s for unknown routes', async () => {
    const t = await start();
    expect(t.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await raw(t, '/api/nothing/here');
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    expect(await r.json()).toMatchObject({ error: 'not_found' });
    expect((await raw(t, '/no-such-page.html')).status).toBe(404);
    expect((await raw(t, '/api/flows', { method: 'PUT' })).status).toBe(404);
  });

  it('refuses requests addressed to another host name (DNS rebinding) when bound to loopback', async () => {
    const t = await start();
    const get = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${t.url}/api/handlers`, { headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await get('evil.example:8123')).toBe(403);
    expect(await get(`localhost:${t.server.port}`)).toBe(200);
    expect(await get(`127.0.0.1:${t.server.port}`)).toBe(200);
    expect(await get(`[::1]:${t.server.port}`)).toBe(200);
  });

  it('answers malformed JSON with a 400 and a message', async () => {
    const t = await start();
    const r = await raw(t, '/api/flows', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"handler": "hello",',
    });
    expect(r.status).toBe(400);
    const body = (await r.json()) as any;
    expect(body).toMatchObject({ error: 'invalid_json' });
    expect(body.message).toMatch(/not valid JSON/);
  });

  it('refuses bodies over 64 KiB with a 413, and non-JSON bodies with a 415', async () => {
    const t = await start();
    const big = JSON.stringify({ handler: 'hello', data: 'x'.repeat(70 * 1024) });
    const r = await raw(t, '/api/flows', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ error: 'payload_too_large' });
    const form = await raw(t, '/api/flows', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'handler=hello',
    });
    expect(form.status).toBe(415);
    expect(await (await raw(t, '/api/flows')).json()).toEqual([]);
  });

  it('limits chunked bodies (no Content-Length) while reading them, and accepts small ones', async () => {
    const t = await start();
    const chunked = (body: string) =>
      new Promise<{ status: number; json: any }>((resolve, reject) => {
        const req = request(
          `${t.url}/api/flows`,
          { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
          (res) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
          },
        );
        req.on('error', reject);
        // Written in pieces so the size is only known by counting.
        for (let i = 0; i < body.length; i += 8192) req.write(body.slice(i, i + 8192));
        req.end();
      });
    const big = await chunked(JSON.stringify({ handler: 'hello', data: 'x'.repeat(70 * 1024) }));
    expect(big.status).toBe(413);
    expect(big.json).toMatchObject({ error: 'payload_too_large' });
    const small = await chunked(JSON.stringify({ handler: 'hello' }));
    expect(small.status).toBe(200);
    expect(small.json).toMatchObject({ type: 'form', stepId: 'user' });
  });

  it('never sends a stack trace: unexpected errors are a generic 500, logged on the server', async () => {
    const t = await start();
    const entry = await t.entries.add({ domain: 'showcase', title: 'S', data: {}, source: 'user' });
    const r = await raw(t, `/api/entries/${entry.entryId}/diagnostics`);
    expect(r.status).toBe(500);
    const text = await r.text();
    expect(JSON.parse(text)).toEqual({ error: 'internal_error', message: 'Internal server error' });
    expect(text).not.toMatch(/exploded|secret|\.ts|at /);
    expect(t.logs.join('\n')).toMatch(/diagnostics exploded/);
  });

  it('requires the bearer token on every /api route when one is set, but not for the UI', async () => {
    const t = await start({ token: 's3cret-token' });
    for (const path of ['/api/handlers', '/api/flows', '/api/entries', '/api/events', '/api/nothing']) {
      const r = await raw(t, path);
      expect(r.status, path).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    const wrong = await raw(t, '/api/handlers', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const post = await raw(t, '/api/flows', { method: 'POST', body: '{"handler":"hello"}' });
    expect(post.status).toBe(401);
    const right = await raw(t, '/api/handlers', { headers: { authorization: 'Bearer s3cret-token' } });
    expect(right.status).toBe(200);
    expect((await raw(t, '/')).status).toBe(200);
  });

  it('serves the web UI with a strict content security policy', async () => {
    const t = await start();
    const page = await raw(t, '/');
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('data-testid="add-integration"');
    expect(html).not.toMatch(/https?:\/\//);
    const script = await raw(t, '/app.js');
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });
});

describe('events', () => {
  it('streams flow progress and entry changes, named after their type, without secrets', async () => {
    const t = await start();
    const events = await SseClient.open(`${t.url}/api/events`);
    clients.push(events);
    const started: any = await (
      await t.api('/api/flows', { method: 'POST', json: { handler: 'showcase' } })
    ).json();
    const flowId = started.flowId as string;
    await events.waitFor((e) => e.event === 'created' && e.data.flowId === flowId);
    await t.api(`/api/flows/${flowId}`, { method: 'POST', json: { nextStepId: 'widgets' } });
    const form = await events.waitFor((e) => e.event === 'progressed' && e.data.result.stepId === 'widgets');
    expect(form.data).toMatchObject({ type: 'progressed', handler: 'showcase', source: 'user' });
    const input = { name: 'fine', apiKey: 'sk-typed-by-user', color: 'green', kind: 'demo' };
    await t.api(`/api/flows/${flowId}`, { method: 'POST', json: input });
    await events.waitFor((e) => e.event === 'progressed' && e.data.result.type === 'progress');
    t.gate.push(0.25);
    const quarter = await events.waitFor((e) => e.event === 'progress' && e.data.result.progress === 0.25);
    expect(quarter.data.result).toMatchObject({ type: 'progress', progressAction: 'crunching', flowId });
    t.gate.push(0.75);
    await events.waitFor((e) => e.event === 'progress' && e.data.result.progress === 0.75);
    t.gate.push('done');
    const ended = await events.waitFor((e) => e.event === 'ended' && e.data.flowId === flowId);
    expect(ended.data.result).toMatchObject({ type: 'create_entry', title: 'fine' });
    const added = await events.waitFor((e) => e.event === 'entry_added');
    expect(added.data.entry).toMatchObject({ domain: 'showcase', title: 'fine' });
    expect(added.data.entry).not.toHaveProperty('data');
    const loaded = await events.waitFor((e) => e.event === 'entry_state' && e.data.entry.state === 'loaded');
    expect(loaded.data.previous).toBe('setup_in_progress');
    const all = JSON.stringify(events.events);
    expect(all).not.toContain('sk-showcase-secret');
    expect(all).not.toContain('sk-typed-by-user');
  });

  it('ends open event streams when the server closes', async () => {
    const t = await start();
    const events = await SseClient.open(`${t.url}/api/events`);
    clients.push(events);
    await t.server.close();
    await expect(events.waitFor((e) => e.event === 'never')).rejects.toThrow(/ended/);
  });
});

describe('persistence', () => {
  it('keeps entries and in-progress flows across a restart with the same data dir', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'configflow-server-'));
    dirs.push(dataDir);
    const first = await start({ dataDir });
    const created: any = await (
      await first.api('/api/flows', { method: 'POST', json: { handler: 'hello' } })
    ).json();
    await first.api(`/api/flows/${created.flowId}`, {
      method: 'POST',
      json: { host: 'attic', apiToken: 'hello-persist' },
    });
    const pending: any = await (
      await first.api('/api/flows', { method: 'POST', json: { handler: 'hello' } })
    ).json();
    await first.runtime.idle();
    await first.stop();
    servers.splice(servers.indexOf(first), 1);

    const second = await start({ dataDir });
    const entries = (await (await second.api('/api/entries')).json()) as any[];
    expect(entries).toEqual([expect.objectContaining({ title: 'Hello at attic', state: 'loaded' })]);
    expect(await (await second.api('/api/flows')).json()).toEqual([
      {
        flowId: pending.flowId,
        handler: 'hello',
        source: 'user',
        stepId: 'user',
        startedAt: expect.any(Number),
      },
    ]);
    const resumed = await (
      await second.api(`/api/flows/${pending.flowId}`, {
        method: 'POST',
        json: { host: 'cellar', apiToken: 'hello-2' },
      })
    ).json();
    expect(resumed).toMatchObject({ type: 'create_entry', title: 'Hello at cellar' });
  });
});
