import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runServe, type ServeProcess, startServe } from './serve-support/serveProcess.ts';

const running: ServeProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) await p.stop('SIGKILL');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function dataDir() {
  const dir = await mkdtemp(join(tmpdir(), 'configflow-serve-'));
  dirs.push(dir);
  return dir;
}
async function serve(args: string[], env: Record<string, string> = {}) {
  const p = await startServe(args, env);
  running.push(p);
  return p;
}
const post = (url: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('configflow serve', { timeout: 60_000 }, () => {
  it('prints its URLs, serves hello and FordPass with the embedded simulator, and stops on SIGTERM', async () => {
    const dir = await dataDir();
    const p = await serve(['--port', '0', '--data-dir', dir]);
    expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(p.simulatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(p.stdout()).toContain('Demo account: demo@example.com / demo');
    const handlers = (await (await fetch(`${p.url}/api/handlers`)).json()) as { domain: string }[];
    expect(handlers.map((h) => h.domain)).toEqual(['hello', 'fordpass']);
    // The simulator was seeded with the demo account and its two vehicles.
    const account = (await (await fetch(`${p.simulatorUrl}/_sim/accounts/demo@example.com`)).json()) as any;
    expect(account.vehicles).toHaveLength(2);
    expect(await p.stop('SIGTERM')).toBe(0);
    expect(p.stdout()).toMatch(/Received SIGTERM, shutting down\nStopped\n$/);
  });

  it('keeps entries and flows in progress in the data dir across a restart', async () => {
    const dir = await dataDir();
    const first = await serve(['--port', '0', '--data-dir', dir]);
    const flow = (await (await post(`${first.url}/api/flows`, { handler: 'hello' })).json()) as any;
    const done = (await (
      await post(`${first.url}/api/flows/${flow.flowId}`, { host: 'den', apiToken: 'hello-den' })
    ).json()) as any;
    expect(done.type).toBe('create_entry');
    const pending = (await (await post(`${first.url}/api/flows`, { handler: 'hello' })).json()) as any;
    expect(await first.stop('SIGINT')).toBe(0);

    const second = await serve(['--port', '0', '--data-dir', dir]);
    const entries = (await (await fetch(`${second.url}/api/entries`)).json()) as any[];
    expect(entries).toEqual([expect.objectContaining({ title: 'Hello at den', domain: 'hello' })]);
    const flows = (await (await fetch(`${second.url}/api/flows`)).json()) as any[];
    expect(flows).toEqual([
      {
        flowId: pending.flowId,
        handler: 'hello',
        source: 'user',
        stepId: 'user',
        startedAt: expect.any(Number),
      },
    ]);
    // The entry is set up again on start.
    await expect
      .poll(async () => ((await (await fetch(`${second.url}/api/entries`)).json()) as any[])[0].state)
      .toBe('loaded');
  });

  it('refuses a second process on the same data dir, and takes over the lock a killed one left', async () => {
    const dir = await dataDir();
    const lock = join(dir, 'configflow.lock');
    const first = await serve(['--port', '0', '--data-dir', dir]);
    expect(Number(await readFile(lock, 'utf8'))).toBe(first.child.pid);

    // Two processes on one data dir would refresh the same rotating Ford tokens: the second is refused.
    const second = await runServe(['--port', '0', '--data-dir', dir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(
      `configflow serve: the data dir ${dir} is in use by configflow process ${first.child.pid}`,
    );
    expect(second.stdout).not.toContain('listening');
    expect((await fetch(`${first.url}/api/handlers`)).status).toBe(200);

    // A crash leaves the lock behind; its process is gone, so the next start takes it over.
    expect(await first.stop('SIGKILL')).toBe(null);
    expect(Number(await readFile(lock, 'utf8'))).toBe(first.child.pid);
    const third = await serve(['--port', '0', '--data-dir', dir]);
    expect(Number(await readFile(lock, 'utf8'))).toBe(third.child.pid);
    // A clean stop releases it.
    expect(await third.stop('SIGTERM')).toBe(0);
    await expect(readFile(lock, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('shuts down gracefully on a SIGTERM sent the moment it says it is listening', async () => {
    // A supervisor may stop the server as soon as it reads the line: the handlers are on before it.
    for (let i = 0; i < 3; i++) {
      const p = await serve(['--port', '0', '--data-dir', await dataDir()]);
      expect(await p.stop('SIGTERM')).toBe(0);
      expect(p.stdout()).toMatch(/Received SIGTERM, shutting down\nStopped\n$/);
    }
  });

  it('requires the bearer token from --token or CONFIGFLOW_TOKEN', async () => {
    const dir = await dataDir();
    const p = await serve(['--port', '0', '--data-dir', dir], { CONFIGFLOW_TOKEN: 'env-token' });
    expect((await fetch(`${p.url}/api/entries`)).status).toBe(401);
    const ok = await fetch(`${p.url}/api/entries`, { headers: { authorization: 'Bearer env-token' } });
    expect(ok.status).toBe(200);
    await p.stop();
    const q = await serve(['--port', '0', '--data-dir', dir, '--token', 'flag-token']);
    expect(
      (await fetch(`${q.url}/api/entries`, { headers: { authorization: 'Bearer env-token' } })).status,
    ).toBe(401);
    expect(
      (await fetch(`${q.url}/api/entries`, { headers: { authorization: 'Bearer flag-token' } })).status,
    ).toBe(200);
  });

  it('talks to a Ford API given with --ford-api instead of starting a simulator', async () => {
    const dir = await dataDir();
    const withSim = await serve(['--port', '0', '--data-dir', await dataDir()]);
    const p = await serve(['--port', '0', '--data-dir', dir, '--ford-api', withSim.simulatorUrl!]);
    expect(p.simulatorUrl).toBeUndefined();
    expect(p.stdout()).toContain(`Ford API: ${withSim.simulatorUrl}`);
    // The region step's sign-in link points at the given origin.
    let result = (await (await post(`${p.url}/api/flows`, { handler: 'fordpass' })).json()) as any;
    while (result.type === 'progress')
      result = (await (await fetch(`${p.url}/api/flows/${result.flowId}`)).json()) as any;
    result = (await (await post(`${p.url}/api/flows/${result.flowId}`, { brand: 'ford' })).json()) as any;
    result = (await (await post(`${p.url}/api/flows/${result.flowId}`, { region: 'deu' })).json()) as any;
    expect(result.type).toBe('external');
    expect(result.url.startsWith(`${withSim.simulatorUrl}/`)).toBe(true);
  });

  it('rejects bad options with a usage message', async () => {
    const [both, badPort, unknown, help] = await Promise.all([
      runServe(['--simulator', '--ford-api', 'http://127.0.0.1:1']),
      runServe(['--port', 'eighty']),
      runServe(['--bogus']),
      runServe(['--help']),
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either --simulator or --ford-api/);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/--port must be a port number/);
    expect(unknown.code).toBe(2);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: configflow serve');
  });
});
