/**
 * HTTP: flow steps per second and latency against `configflow serve` on loopback, with autocannon in
 * this process and the server in its own. Each request is a real step: the hello flow's user form is
 * submitted with a host that cannot connect, so the engine validates, runs the handler, re-shows the
 * form with `cannot_connect` and persists the flow (no entry piles up between requests). Baseline: the
 * same server answering `GET /api/handlers`, which runs no flow. A third row runs the very same step in
 * this process through `FlowManager.configure` (same flow, same JSON-file flow store, one step at a
 * time, no HTTP), so the table shows how a request's time splits between the engine and the server.
 * Reproduce: npx -y pnpm@10.34.9 exec tsx bench/http.bench.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { createHelloFlow } from '../examples/hello/src/index.ts';
import { FlowManager, JsonFileFlowStore } from '../packages/core/src/index.ts';

export const REPRODUCE = 'npx -y pnpm@10.34.9 exec tsx bench/http.bench.ts';

const cli = fileURLToPath(new URL('../packages/cli/bin/configflow.js', import.meta.url));

export interface HttpResult {
  name: string;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** Which `configflow` serves: the repository's tsx path by default, or a compiled bin in its project. */
export interface ServeCommand {
  bin: string;
  cwd?: string;
}

async function startServe(
  dataDir: string,
  command: ServeCommand,
): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [command.bin, 'serve', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    ...(command.cwd ? { cwd: command.cwd } : {}),
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.once('exit', (code) => reject(new Error(`configflow serve exited with ${code}`)));
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /configflow listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
  });
  return { url, proc };
}

const STEP_INPUT = { host: 'offline', apiToken: 'hello-bench' };

/** The HTTP step without HTTP: steps/s of `FlowManager.configure` alone, one step at a time. */
export async function inProcessStepsPerSecond(seconds: number, flowCount = 16): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cf-http-inproc-'));
  const manager = new FlowManager({
    flows: [createHelloFlow()],
    store: new JsonFileFlowStore(join(dataDir, 'flows.json')),
  });
  try {
    await manager.start();
    const flows: string[] = [];
    for (let i = 0; i < flowCount; i++) flows.push((await manager.init('hello')).flowId);
    for (let i = 0; i < 2_000; i++) await manager.configure(flows[i % flowCount]!, STEP_INPUT); // warm-up
    let steps = 0;
    const start = process.hrtime.bigint();
    const until = start + BigInt(seconds * 1e9);
    while (process.hrtime.bigint() < until) {
      for (let i = 0; i < 100; i++, steps++) {
        const result = await manager.configure(flows[steps % flowCount]!, STEP_INPUT);
        if (result.errors?.base !== 'cannot_connect') throw new Error('the step did not run as expected');
      }
    }
    return Math.round(steps / (Number(process.hrtime.bigint() - start) / 1e9));
  } finally {
    await manager.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

export async function runHttp(opts: {
  seconds?: number;
  connections?: number;
  command?: ServeCommand;
}): Promise<HttpResult[]> {
  const seconds = opts.seconds ?? 10;
  const connections = opts.connections ?? 16;
  const dataDir = mkdtempSync(join(tmpdir(), 'cf-http-'));
  const { url, proc } = await startServe(dataDir, opts.command ?? { bin: cli });
  try {
    // One flow per connection, created up front; each connection then steps its own flow.
    const flows: string[] = [];
    for (let i = 0; i < connections; i++) {
      const res = await fetch(`${url}/api/flows`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ handler: 'hello' }),
      });
      flows.push(((await res.json()) as { flowId: string }).flowId);
    }
    let next = 0;
    const step = await cannon({
      url,
      connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => ({
            ...req,
            path: `/api/flows/${flows[next++ % flows.length]}`,
            body: JSON.stringify(STEP_INPUT),
          }),
        },
      ],
    });
    const check = (await (await fetch(`${url}/api/flows/${flows[0]}`)).json()) as {
      errors?: { base?: string };
    };
    if (check.errors?.base !== 'cannot_connect') throw new Error('the step did not run as expected');
    const baseline = await cannon({ url: `${url}/api/handlers`, connections, duration: seconds });
    const row = (name: string, r: autocannon.Result): HttpResult => ({
      name,
      requestsPerSec: Math.round(r.requests.average),
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      errors: r.errors + r.non2xx,
    });
    return [
      row('HTTP: GET /api/handlers (no flow)', baseline),
      row('HTTP: flow step (POST /api/flows/:id)', step),
    ];
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(
  opts: { seconds?: number; connections?: number } = {},
): Promise<{ http: HttpResult[]; inProcessStepsPerSec: number }> {
  const http = await runHttp(opts);
  // After the server has stopped, so the two never share the cores.
  const inProcessStepsPerSec = await inProcessStepsPerSecond(opts.seconds ?? 10);
  return { http, inProcessStepsPerSec };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { http, inProcessStepsPerSec } = await run();
  for (const r of http) {
    console.log(
      `${r.name.padEnd(40)} ${String(r.requestsPerSec).padStart(7)} req/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  errors ${r.errors}`,
    );
  }
  console.log(
    `${'in-process: the same step, no HTTP'.padEnd(40)} ${String(inProcessStepsPerSec).padStart(7)} steps/s`,
  );
  console.log(`reproduce: ${REPRODUCE}`);
}
