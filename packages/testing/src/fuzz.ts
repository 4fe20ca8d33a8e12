import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigEntries,
  type ConfigFlow,
  defineConfigFlow,
  EntryRuntime,
  FakeClock,
  FlowError,
  FlowManager,
  type FlowResult,
  type Integration,
  type Json,
  JsonFileEntryStore,
  JsonFileFlowStore,
  type Source,
} from '@configflow/core';
import fc from 'fast-check';
import { z } from 'zod';
import { anyJson, formKey, formsOf, hostileBody, validBody } from './arbitraries.ts';
import { addMockEntry, type MockEntryInit } from './mockEntry.ts';

/** A value that must never come back out: submitted in every secret field, stored in seeded entries. */
export const CANARY_SECRET = 'canary-5e1f0c9d-do-not-leak';

export interface FuzzOptions {
  flows: ConfigFlow[];
  /** Run by an `EntryRuntime`, so its log lines are checked too. */
  integrations?: Integration<any>[];
  /** Entries present at the start of each case (reauth, reconfigure and options flows need one). */
  entries?: MockEntryInit[];
  canary?: string;
  /** Default: `FUZZ_RUNS` from the environment, else 50. */
  numRuns?: number;
  seed?: number;
  /** Operations per case (default 12). */
  maxOps?: number;
  /** Shrink a failing case to a minimal one (default true; slow, each attempt replays a case). */
  shrink?: boolean;
}

export interface FuzzStats {
  cases: number;
  operations: number;
  restarts: number;
  /** Result types and rejection codes, counted. */
  outcomes: Record<string, number>;
  /** Submissions per form (`handler/kind/step`), valid-looking or hostile. */
  formsHit: Record<string, number>;
}

/** What one step of a case does. */
export type FuzzOp =
  | { op: 'init'; handler: number; source: Source | 'bogus'; entry: number; data: unknown }
  | {
      op: 'configure';
      target: number;
      stale: boolean;
      mode: 'valid' | 'hostile' | 'get';
      valid: Record<string, unknown>;
      hostile: unknown;
    }
  | { op: 'abort'; target: number; stale: boolean }
  | { op: 'restart'; graceful: boolean };

const SOURCES: (Source | 'bogus')[] = [
  'user',
  'reauth',
  'reconfigure',
  'import',
  'discovery',
  'ignore',
  'options',
  'bogus',
];

/** Random sequences of init / configure / abort / restart over the given flows. */
export function fuzzOps(flows: ConfigFlow[], canary: string, maxOps = 12): fc.Arbitrary<FuzzOp[]> {
  const forms = new Map(flows.flatMap((f) => [...formsOf(f)]));
  const fieldNames = [...new Set([...forms.values()].flatMap((f) => f.describe().fields.map((d) => d.name)))];
  const valid = fc.record(
    Object.fromEntries([...forms].map(([key, form]) => [key, validBody(form, canary)])),
  );
  // Mostly a flow in progress; sometimes one that ended (or never existed).
  const stale = fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, fc.constant(true));
  const init = fc.record({
    op: fc.constant('init' as const),
    // Mostly real handlers and their own sources; now and then a bogus one.
    handler: fc.oneof({ weight: 9, arbitrary: fc.nat({ max: flows.length - 1 }) }, fc.constant(flows.length)),
    source: fc.oneof(
      { weight: 4, arbitrary: fc.constant('user' as const) },
      {
        weight: 4,
        arbitrary: fc.constantFrom('reauth' as const, 'reconfigure' as const, 'options' as const),
      },
      { weight: 1, arbitrary: fc.constantFrom(...SOURCES) },
    ),
    entry: fc.nat({ max: 8 }),
    data: fc.option(anyJson(3), { nil: undefined, freq: 4 }),
  });
  const op: fc.Arbitrary<FuzzOp> = fc.oneof(
    { weight: 3, arbitrary: init },
    {
      weight: 8,
      arbitrary: fc.record({
        op: fc.constant('configure' as const),
        target: fc.nat({ max: 8 }),
        stale,
        mode: fc.constantFrom('valid' as const, 'valid' as const, 'hostile' as const, 'get' as const),
        valid,
        hostile: hostileBody(fieldNames),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ op: fc.constant('abort' as const), target: fc.nat({ max: 8 }), stale }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('restart' as const), graceful: fc.boolean() }) },
  );
  // A case starts with a flow, so the operations after it have something to act on.
  return fc.tuple(init, fc.array(op, { maxLength: maxOps - 1 })).map(([first, rest]) => [first, ...rest]);
}

let sentinel: ConfigFlow | undefined;
/** A flow of another handler, left waiting at a re-shown form: no case may change what it shows. */
function sentinelFlow(): ConfigFlow {
  sentinel ??= defineConfigFlow({
    domain: 'fuzz_sentinel',
    sources: { user: 'user' },
    steps: ({ form }) => ({
      user: form({
        schema: z.object({ name: z.string() }),
        next: ['create_entry'],
        errors: ['taken'],
        submit: ({ name }, flow) =>
          name === 'taken' ? flow.showErrors({ name: 'taken' }) : flow.createEntry({ title: name, data: {} }),
      }),
    }),
  });
  return sentinel;
}

/** A fuzz property failed: the message says which and after what, then fast-check's report. */
export class PropertyViolation extends Error {
  override readonly name = 'PropertyViolation';
}

const prototypeState = () =>
  [Object.prototype, Array.prototype, Function.prototype, String.prototype]
    .map((p) => Object.getOwnPropertyNames(p).sort().join(','))
    .join('|');

/** Catches console output while fuzzing, so a leaked secret in a log line fails the case. */
function captureConsole(lines: string[]): () => void {
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = methods.map((m) => console[m]);
  for (const m of methods) console[m] = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  return () => {
    methods.forEach((m, i) => {
      console[m] = saved[i]!;
    });
  };
}

/**
 * Runs random operation sequences against a FlowManager over a JsonFileFlowStore in a temp dir, and
 * checks after every operation:
 * - a rejection is a typed `FlowError` (InvalidInput, UnknownFlow, ...), never anything else;
 * - the sentinel flow of another handler shows exactly what it showed before;
 * - the canary secret is in no result, event, rejection message or log line;
 * - `Object.prototype` (and friends) gained no property.
 * Throws fast-check's report (with the shrunk sequence) on the first violation.
 */
export async function fuzzFlows(opts: FuzzOptions): Promise<FuzzStats> {
  const canary = opts.canary ?? CANARY_SECRET;
  const numRuns = opts.numRuns ?? (Number(process.env.FUZZ_RUNS) || 50);
  const stats: FuzzStats = { cases: 0, operations: 0, restarts: 0, outcomes: {}, formsHit: {} };
  const count = (bag: Record<string, number>, key: string) => {
    bag[key] = (bag[key] ?? 0) + 1;
  };
  const flows = [...opts.flows, sentinelFlow()];
  const before = prototypeState();

  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const logs: string[] = [];
  const restoreConsole = captureConsole(logs);
  try {
    await fc.assert(
      fc.asyncProperty(fuzzOps(opts.flows, canary, opts.maxOps), async (ops) => {
        stats.cases++;
        await runCase(ops);
      }),
      {
        numRuns,
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        ...(opts.shrink === false ? { endOnFailure: true } : {}),
      },
    );
  } catch (error) {
    // fast-check's report names the seed and the (shrunk) sequence; the cause says what broke.
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error) {
      throw new PropertyViolation(`${cause.message}\n\n${(error as Error).message}`, { cause });
    }
    throw error;
  } finally {
    restoreConsole();
    process.off('unhandledRejection', onUnhandled);
  }
  return stats;

  async function runCase(ops: FuzzOp[]): Promise<void> {
    logs.length = 0;
    const dir = await mkdtemp(join(tmpdir(), 'configflow-fuzz-'));
    const clock = new FakeClock();
    let world = await open();
    let sentinelId = '';
    const closeErrors: unknown[] = [];
    try {
      const entryIds: string[] = [];
      for (const init of opts.entries ?? [])
        entryIds.push((await addMockEntry(world.manager.entries, init)).entryId);
      sentinelId = (await world.manager.init('fuzz_sentinel')).flowId;
      const expected = await world.manager.configure(sentinelId, { name: 'taken' });
      const flowIds: string[] = [];

      for (const op of ops) {
        stats.operations++;
        const where = `after ${JSON.stringify(op, replacer).slice(0, 300)}`;
        let outcome: unknown;
        let failed: { error: unknown } | undefined;
        try {
          outcome = await apply(op, entryIds, flowIds);
        } catch (error) {
          failed = { error };
        }
        // Checked first: a polluted prototype breaks everything after it, so it is the cause to report.
        if (prototypeState() !== before || Object.keys({}).length > 0) {
          throw new PropertyViolation(`built-in prototypes changed ${where}`);
        }
        if (!failed) {
          count(stats.outcomes, (outcome as FlowResult | undefined)?.type ?? 'ok');
        } else {
          const { error } = failed;
          if (!(error instanceof FlowError)) {
            throw new PropertyViolation(
              `untyped rejection ${where}: ${error instanceof Error ? error.stack : String(error)}`,
            );
          }
          count(stats.outcomes, error.code);
          outcome = { ...error, name: error.name, message: error.message };
        }
        await world.manager.idle();
        await world.runtime?.idle();
        if (JSON.stringify(outcome ?? null).includes(canary))
          throw new PropertyViolation(`secret in the outcome ${where}`);
        const now = await world.manager.get(sentinelId);
        if (JSON.stringify(now) !== JSON.stringify(expected)) {
          throw new PropertyViolation(`sentinel flow changed ${where}: ${JSON.stringify(now)}`);
        }
        if (unhandled.length > 0)
          throw new PropertyViolation(`unhandled rejection ${where}: ${String(unhandled[0])}`);
        const leak = [...world.events, ...logs].find((line) => line.includes(canary));
        if (leak)
          throw new PropertyViolation(`secret in an event or log line ${where}: ${leak.slice(0, 300)}`);
      }
    } finally {
      // A failing case may leave the world broken; its own error is the one to report.
      await world.close().catch((error: unknown) => closeErrors.push(error));
      await rm(dir, { recursive: true, force: true });
    }
    if (closeErrors.length > 0)
      throw new PropertyViolation(`closing the manager failed: ${String(closeErrors[0])}`);

    async function apply(op: FuzzOp, entryIds: string[], flowIds: string[]): Promise<FlowResult | undefined> {
      const { manager } = world;
      switch (op.op) {
        case 'init': {
          const flow = opts.flows[op.handler];
          const entryId = entryIds.length > 0 ? entryIds[op.entry % entryIds.length] : undefined;
          const result = await manager.init(flow?.domain ?? 'no_such_handler', {
            source: op.source as Source,
            ...(entryId !== undefined && op.entry % 4 !== 3 ? { entryId } : {}),
            ...(op.data !== undefined ? { data: op.data as Json } : {}),
          });
          flowIds.push(result.flowId);
          return result;
        }
        case 'configure': {
          const flowId = pick(op, flowIds);
          if (op.mode === 'get') return manager.configure(flowId);
          const current = manager.list().find((f) => f.flowId === flowId);
          const key = current && formKey(current.handler, current.source, current.stepId);
          if (key && op.mode === 'valid' && key in op.valid) {
            count(stats.formsHit, key);
            return manager.configure(flowId, op.valid[key]);
          }
          if (key) count(stats.formsHit, key);
          return manager.configure(flowId, op.hostile);
        }
        case 'abort': {
          const flowId = pick(op, flowIds);
          await manager.abort(flowId);
          return undefined;
        }
        case 'restart': {
          stats.restarts++;
          if (op.graceful) await world.close();
          else await world.manager.idle();
          world = await open();
          return undefined;
        }
      }
    }

    function pick(op: { target: number; stale: boolean }, flowIds: string[]): string {
      const live = world.manager
        .list()
        .map((f) => f.flowId)
        .filter((id) => id !== sentinelId);
      const from = op.stale || live.length === 0 ? flowIds : live;
      return from.length > 0 ? from[op.target % from.length]! : 'no-such-flow';
    }

    /** A manager (and runtime) over the case's files: opening it again is a process restart. */
    async function open() {
      const entries = new ConfigEntries({ clock, store: new JsonFileEntryStore(join(dir, 'entries.json')) });
      await entries.load();
      const manager = new FlowManager({
        flows,
        entries,
        clock,
        store: new JsonFileFlowStore(join(dir, 'flows.json')),
      });
      const runtime = opts.integrations
        ? new EntryRuntime({
            manager,
            integrations: opts.integrations,
            clock,
            log: (line) => logs.push(line),
          })
        : undefined;
      const events: string[] = [];
      manager.subscribe((event) => events.push(JSON.stringify(event)));
      await manager.start();
      await runtime?.start();
      return {
        manager,
        runtime,
        events,
        async close() {
          await runtime?.stop();
          await manager.stop();
          await entries.flush();
        },
      };
    }
  }
}

/** Op descriptions for failure messages: bigint and symbols would make JSON.stringify throw. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol' || typeof value === 'function') return String(value);
  if (typeof value === 'string' && value.length > 40) return `${value.slice(0, 40)}…(${value.length})`;
  return value;
}
