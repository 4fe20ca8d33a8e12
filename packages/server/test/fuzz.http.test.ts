import {
  anyJson,
  CANARY_SECRET,
  deeplyNested,
  hostileBody,
  hugeString,
  pollutionBody,
  validBody,
} from '@configflow/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './fixtures/testApp.ts';

/**
 * Property-based fuzzing of the HTTP API: random sequences of requests with hostile bodies (any JSON,
 * wrong types, huge and deeply nested bodies, prototype-pollution keys, malformed JSON) and valid ones
 * carrying a canary secret. After every request: no 5xx, no secret in the response or the log, the
 * sentinel flow unchanged, and Object.prototype clean.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

let t: TestServer;
let sentinel: { flowId: string; before: string };
const stats = { cases: 0, requests: 0, byStatus: new Map<number, number>() };

beforeAll(async () => {
  t = await startTestServer();
  const started = (await (
    await t.api('/api/flows', { method: 'POST', json: { handler: 'hello' } })
  ).json()) as {
    flowId: string;
  };
  sentinel = { flowId: started.flowId, before: JSON.stringify(started) };
});
afterAll(async () => {
  await t.stop();
  const statuses = [...stats.byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
  console.log(
    `fuzz (HTTP): ${stats.cases} cases, ${stats.requests} requests; statuses ${statuses.join(' ')}`,
  );
});

type Op =
  | { kind: 'init'; body: string }
  | { kind: 'step'; flow: number; body: string }
  | { kind: 'get'; flow: number }
  | { kind: 'delete'; flow: number }
  | { kind: 'raw'; method: 'POST' | 'GET' | 'DELETE'; path: string; body?: string };

const text = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return '{"unserialisable":true}';
  }
};

function ops(): fc.Arbitrary<Op[]> {
  const helloUser = t.manager.getFlowDefinition('hello').form('user')!;
  const body = fc.oneof(
    { weight: 3, arbitrary: validBody(helloUser, CANARY_SECRET).map(text) },
    { weight: 3, arbitrary: hostileBody(['host', 'apiToken']).map(text) },
    { weight: 1, arbitrary: pollutionBody(['host', 'apiToken']).map(text) },
    { weight: 1, arbitrary: deeplyNested().map(text) },
    { weight: 1, arbitrary: hugeString().map((s) => text({ host: s, apiToken: CANARY_SECRET })) },
    // Not JSON at all, or cut short.
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => `{${s}`) },
  );
  const initBody = fc.oneof(
    fc.constant(text({ handler: 'hello' })),
    fc.constant(text({ handler: 'showcase' })),
    fc
      .record({
        handler: fc.constantFrom('hello', 'nope', ''),
        source: fc.constantFrom('user', 'reauth', 'bogus', 'options'),
      })
      .map(text),
    anyJson(3).map(text),
    pollutionBody(['handler', 'source']).map(text),
  );
  const flow = fc.nat({ max: 5 });
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 2, arbitrary: initBody.map((b) => ({ kind: 'init' as const, body: b })) },
    {
      weight: 5,
      arbitrary: fc.tuple(flow, body).map(([f, b]) => ({ kind: 'step' as const, flow: f, body: b })),
    },
    { weight: 1, arbitrary: flow.map((f) => ({ kind: 'get' as const, flow: f })) },
    { weight: 1, arbitrary: flow.map((f) => ({ kind: 'delete' as const, flow: f })) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('raw' as const),
        method: fc.constantFrom('POST' as const, 'GET' as const, 'DELETE' as const),
        path: fc.oneof(
          fc.constantFrom(
            '/api/entries',
            '/api/handlers/hello/statechart?format=svg',
            '/api/flows/..%2f..',
            '/api/entries/x/reauth',
          ),
          fc.string({ maxLength: 20 }).map((s) => `/api/${encodeURIComponent(s)}`),
        ),
        body: fc.option(anyJson(2).map(text), { nil: undefined }),
      }),
    },
  );
  return fc.array(op, { minLength: 1, maxLength: 8 });
}

const LIMIT = 64 * 1024;

async function send(method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  let out: { status: number; text: string };
  try {
    const res = await t.api(path, {
      method,
      ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}),
    });
    out = { status: res.status, text: await res.text() };
  } catch (error) {
    // Past the body limit the server answers 413 and closes before the client has sent it all; the
    // client then sees the socket close instead of the answer. Anything else is a real failure.
    if (body === undefined || Buffer.byteLength(body) <= LIMIT) throw error;
    out = { status: 413, text: '' };
  }
  stats.requests++;
  stats.byStatus.set(out.status, (stats.byStatus.get(out.status) ?? 0) + 1);
  return out;
}

describe('fuzzing the HTTP API', () => {
  it('no 5xx, no leaked secret, other flows unaffected, no prototype pollution', async () => {
    await fc.assert(
      fc.asyncProperty(ops(), async (sequence) => {
        stats.cases++;
        const flows: string[] = [];
        const logStart = t.logs.length;
        for (const op of sequence) {
          let reply: { status: number; text: string };
          const target = (i: number) =>
            flows[i % Math.max(1, flows.length)] ?? 'ffffffffffffffffffffffffffffffff';
          if (op.kind === 'init') {
            reply = await send('POST', '/api/flows', op.body);
            const id = (JSON.parse(reply.text) as { flowId?: unknown }).flowId;
            if (reply.status === 200 && typeof id === 'string') flows.push(id);
          } else if (op.kind === 'step') reply = await send('POST', `/api/flows/${target(op.flow)}`, op.body);
          else if (op.kind === 'get') reply = await send('GET', `/api/flows/${target(op.flow)}`);
          else if (op.kind === 'delete') reply = await send('DELETE', `/api/flows/${target(op.flow)}`);
          else reply = await send(op.method, op.path, op.method === 'GET' ? undefined : op.body);

          expect(reply.status, reply.text.slice(0, 300)).toBeLessThan(500);
          expect(reply.text).not.toContain(CANARY_SECRET);
          expect(reply.text).not.toMatch(/\n\s+at .+\.(ts|js):\d+/);
        }
        // Entries created with the canary as their token never show it, listed or diagnosed.
        expect((await send('GET', '/api/entries')).text).not.toContain(CANARY_SECRET);
        for (const entry of t.entries.list()) {
          expect((await send('GET', `/api/entries/${entry.entryId}/diagnostics`)).text).not.toContain(
            CANARY_SECRET,
          );
        }
        expect(t.logs.slice(logStart).join('\n')).not.toContain(CANARY_SECRET);
        expect(Object.prototype).not.toHaveProperty('polluted');
        expect(Object.keys(Object.prototype)).toEqual([]);
        const now = await (await t.api(`/api/flows/${sentinel.flowId}`)).json();
        expect(JSON.stringify(now)).toBe(sentinel.before);
        // Clean up the entries this case made, so the next case starts from the same registry.
        for (const entry of t.entries.list()) await t.entries.remove(entry.entryId);
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261123) },
    );
    expect(stats.cases).toBe(RUNS);
  }, 180_000);
});
