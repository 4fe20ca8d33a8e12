import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { runServe, type ServeProcess, startServe } from '../../cli/test/serve-support/serveProcess.ts';
import { until, useCluster } from './support/database.ts';

const db = useCluster();
const HELLO = resolve(import.meta.dirname, '../../../examples/hello/configflow.config.ts');
const running: ServeProcess[] = [];
const dirs: string[] = [];
const pools: pg.Pool[] = [];

afterEach(async () => {
  for (const p of pools.splice(0)) await p.end();
  for (const p of running.splice(0)) await p.stop('SIGTERM');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function serve(url: string, env: Record<string, string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'configflow-pg-serve-'));
  dirs.push(dir);
  const p = await startServe(['--config', HELLO, '--port', '0', '--data-dir', dir, '--store', url], env);
  running.push(p);
  return p;
}

const post = async (url: string, body: unknown) =>
  (await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then((r) => r.json())) as any;

/** Reads a server's event stream into a list of `{ event, data }`. */
function listen(base: string) {
  const events: { event: string; data: any }[] = [];
  const abort = new AbortController();
  const done = (async () => {
    const response = await fetch(`${base}/api/events`, { signal: abort.signal });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
        end = buffer.indexOf('\n\n');
      }
    }
  })().catch(() => {});
  return { events, close: () => abort.abort(), done };
}

describe('configflow serve --store postgres://…', { timeout: 90_000 }, () => {
  it('two servers on one database: a flow started on A shows its progress on B and is finished on B', async () => {
    const url = await db.database();
    const [a, b] = await Promise.all([serve(url), serve(url)]);
    const onB = listen(b.url);
    await until(() => onB.events.some((e) => e.event === 'ready'), "B's event stream");
    const started = await post(`${a.url}/api/flows`, { handler: 'hello' });
    expect(started).toMatchObject({ type: 'form', stepId: 'user' });
    // A rejects a token: B's subscribers see the flow progress (the errors shown on A).
    const rejected = await post(`${a.url}/api/flows/${started.flowId}`, { host: 'lamp', apiToken: 'nope' });
    expect(rejected.errors).toEqual({ base: 'invalid_auth' });
    await until(
      () => onB.events.some((e) => e.event === 'progressed' && e.data.flowId === started.flowId),
      'B to relay the progress made on A',
    );
    // The user's next request lands on B: the flow goes on there and creates the entry.
    const created = await post(`${b.url}/api/flows/${started.flowId}`, { host: 'lamp', apiToken: 'hello-1' });
    expect(created.type).toBe('create_entry');
    await until(async () => {
      const entries = (await (await fetch(`${a.url}/api/entries`)).json()) as any[];
      return entries.length === 1 && entries[0].state === 'loaded';
    }, 'A to list the entry B created, loaded');
    onB.close();
    // And both still list it after a restart of both.
    for (const p of running.splice(0)) expect(await p.stop('SIGTERM')).toBe(0);
    const c = await serve(url);
    const entries = (await (await fetch(`${c.url}/api/entries`)).json()) as any[];
    expect(entries.map((e) => e.title)).toHaveLength(1);
  });

  it('SIGKILL of a server mid-flow: the flow is finished on the survivor, which takes over its entry within a lease', async () => {
    const url = await db.database();
    const env = { CONFIGFLOW_LEASE_MS: '1000' };
    const [a, b] = await Promise.all([serve(url, env), serve(url, env)]);
    const pool = new pg.Pool({ connectionString: url });
    pools.push(pool);
    const owner = async (key?: string) =>
      (
        await pool.query(
          `SELECT key, owner, fence FROM configflow_leases WHERE key LIKE 'entry:%' AND ($1::text IS NULL OR key = $1)`,
          [key ?? null],
        )
      ).rows[0];
    // An entry on A (A sets it up, so A holds its lease), and a flow A started and left at its form.
    const first = await post(`${a.url}/api/flows`, { handler: 'hello' });
    await post(`${a.url}/api/flows/${first.flowId}`, { host: 'lamp', apiToken: 'hello-1' });
    await until(async () => (await owner())?.fence === '1', "A to hold the entry's lease");
    const held = await owner();
    const open = await post(`${a.url}/api/flows`, { handler: 'hello' });
    expect(open.stepId).toBe('user');
    a.child.kill('SIGKILL');
    expect(await a.stop()).toBe(null);
    // The flow A started goes on on B.
    const created = await post(`${b.url}/api/flows/${open.flowId}`, { host: 'desk', apiToken: 'hello-2' });
    expect(created.type).toBe('create_entry');
    // A's lease lapses and B's renewal round takes the entry, with a higher fence.
    await until(async () => {
      const now = await owner(held.key);
      return now.owner !== held.owner && now.fence === '2';
    }, "B to take over the dead server's entry");
    // Taking the lease comes first; the setup that follows loads it on B.
    await until(async () => {
      const entries = (await (await fetch(`${b.url}/api/entries`)).json()) as any[];
      return entries.length === 2 && entries.every((e) => e.state === 'loaded');
    }, 'B to have both entries loaded');
  });

  it("the config file's store option puts the entries in PostgreSQL", async () => {
    const url = await db.database();
    const dir = await mkdtemp(join(tmpdir(), 'configflow-pg-config-'));
    dirs.push(dir);
    const config = join(dir, 'configflow.config.mjs');
    const integration = resolve(import.meta.dirname, '../../../examples/hello/src/integration.ts');
    await writeFile(
      config,
      `export default { integrations: [${JSON.stringify(integration)}], store: ${JSON.stringify(url)} };\n`,
    );
    const p = await startServe(['--config', config, '--port', '0', '--data-dir', join(dir, 'data')]);
    running.push(p);
    const started = await post(`${p.url}/api/flows`, { handler: 'hello' });
    await post(`${p.url}/api/flows/${started.flowId}`, { host: 'lamp', apiToken: 'hello-1' });
    const pool = new pg.Pool({ connectionString: url });
    const { rows } = await pool.query(`SELECT body->>'title' AS title FROM configflow_entries`);
    await pool.end();
    expect(rows).toHaveLength(1);
  });

  it('refuses a --store that is no store, and a config store that is none', async () => {
    const result = await runServe(['--config', HELLO, '--store', 'mysql://x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--store must be file, memory or a postgres:// URL');
    const dir = await mkdtemp(join(tmpdir(), 'configflow-pg-config-'));
    dirs.push(dir);
    const config = join(dir, 'configflow.config.mjs');
    await writeFile(config, `export default { integrations: ['./x.ts'], store: 'sqlite' };\n`);
    const unreachable = await runServe(['--config', HELLO, '--store', 'postgres://u:hunter2@127.0.0.1:1/db']);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('cannot open the store at 127.0.0.1:1/db');
    expect(unreachable.stderr).not.toContain('hunter2');
    const bad = await runServe(['--config', config]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('`store` must be "file", "memory" or a postgres:// URL');
  });
});
