/**
 * Engine benchmark: steps/s through the FlowManager against the same machine as a bare XState actor,
 * heap per idle in-progress flow, and the persisted snapshot size.
 * Reproduce: npx -y pnpm@10.34.9 exec node --expose-gc --import tsx bench/engine.bench.ts [--flows 10000]
 */
import { pathToFileURL } from 'node:url';
import { type AnyActorRef, createActor, initialTransition, transition } from 'xstate';
import { compileMachine, STEP_DONE } from '../packages/core/src/compileMachine.ts';
import { FlowManager } from '../packages/core/src/index.ts';
import { createThreeStepFlow, STEP1, STEP2 } from './threeStepFlow.ts';

export const REPRODUCE = 'npx -y pnpm@10.34.9 exec node --expose-gc --import tsx bench/engine.bench.ts';

export interface EngineRow {
  name: string;
  value: number;
  unit: string;
  /** The row it is compared with, measured in the same run. */
  baseline?: string;
}

/** Resolves when the actor is waiting for input again (not inside a step's running handler). */
export function settled(actor: AnyActorRef): Promise<void> {
  const busy = (s: { status: string; value: unknown }) =>
    s.status === 'active' &&
    typeof s.value === 'object' &&
    Object.values(s.value as object).includes('running');
  if (!busy(actor.getSnapshot())) return Promise.resolve();
  return new Promise((resolve) => {
    const sub = actor.subscribe((s) => {
      if (!busy(s)) {
        sub.unsubscribe();
        resolve();
      }
    });
  });
}

/** Runs `flows` complete 3-step flows one after another; returns steps per second. */
async function timeFlows(flows: number, once: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < flows; i++) await once();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return Math.round((flows * 3) / seconds);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Steps/s of the FlowManager and of the same machine as a bare actor. The two alternate in rounds and
 * each reports its median, so a busy neighbour on the machine weighs on both alike.
 */
export async function stepsPerSecond(flows = 5_000, rounds = 9): Promise<{ bare: number; manager: number }> {
  const flow = createThreeStepFlow();
  // Bare XState: the same machine, its handlers run without a manager (no validation, no entries).
  const bareOnce = async () => {
    const actor = createActor(flow.machine, {
      input: { flowId: 'bench', source: 'user', ctx: { host: '' } },
    });
    actor.start();
    actor.send({ type: 'SUBMIT', input: STEP1 });
    await settled(actor);
    actor.send({ type: 'SUBMIT', input: STEP2 });
    await settled(actor);
    if (actor.getSnapshot().status !== 'done') throw new Error('bare actor did not finish');
  };
  const manager = new FlowManager({ flows: [flow] });
  const managerOnce = async () => {
    const { flowId } = await manager.init('bench');
    await manager.configure(flowId, STEP1);
    const end = await manager.configure(flowId, STEP2);
    if (end.type !== 'create_entry') throw new Error('manager flow did not finish');
  };
  await timeFlows(500, bareOnce); // warm-up both paths
  await timeFlows(500, managerOnce);
  const bare: number[] = [];
  const managed: number[] = [];
  for (let r = 0; r < rounds; r++) {
    bare.push(await timeFlows(Math.ceil(flows / rounds), bareOnce));
    managed.push(await timeFlows(Math.ceil(flows / rounds), managerOnce));
  }
  return { bare: median(bare), manager: median(managed) };
}

/**
 * XState alone: the manager's driven machine for the same flow, fed the events a manager would send
 * (`SUBMIT`, then `step.done` with the handler's outcome) with no handler, validation or rendering.
 * Once as a live actor (what the manager does), once with XState's pure `transition()` functions.
 * Synchronous, so each is timed over a fixed count; steps/s counts `init` as a step, as above.
 */
export function xstateAlone(flows = 50_000): { actor: number; pure: number } {
  const flow = createThreeStepFlow();
  const machine = compileMachine({
    id: flow.machine.id,
    sources: flow.sources,
    steps: flow.steps,
    driven: true,
  });
  const input = { flowId: 'bench', source: 'user', ctx: { host: '' } };
  const events = [
    { type: 'SUBMIT', input: STEP1 },
    { type: STEP_DONE, output: { outcome: { type: 'next', step: 'credentials' }, ctx: { host: 'x' } } },
    { type: 'SUBMIT', input: STEP2 },
    {
      type: STEP_DONE,
      output: { outcome: { type: 'create_entry', title: 'x', data: {} }, ctx: { host: 'x' } },
    },
  ];
  const viaActor = () => {
    const actor = createActor(machine, { input }).start();
    for (const event of events) actor.send(event);
    return actor.getSnapshot().status;
  };
  const viaPure = () => {
    let [snapshot] = initialTransition(machine, input);
    for (const event of events) [snapshot] = transition(machine, snapshot, event);
    return snapshot.status;
  };
  const time = (once: () => string) => {
    if (once() !== 'done') throw new Error('the machine did not reach create_entry');
    for (let i = 0; i < flows / 10; i++) once(); // warm-up
    const start = process.hrtime.bigint();
    for (let i = 0; i < flows; i++) once();
    return Math.round((flows * 3) / (Number(process.hrtime.bigint() - start) / 1e9));
  };
  return { actor: time(viaActor), pure: time(viaPure) };
}

const gc = () => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 4; i++) collect();
};

/** Heap per idle flow: `count` flows each waiting at their second form, minus the heap before. */
export async function heapPerIdleFlow(
  count: number,
): Promise<{ manager: number; liveActor: number; snapshotBytes: number }> {
  const flow = createThreeStepFlow();
  // Far past the default caps on flows in progress (a server's guard, not the engine's limit).
  const manager = new FlowManager({ flows: [flow], maxFlows: Infinity, maxFlowsPerHandler: Infinity });
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < count; i++) {
    const { flowId } = await manager.init('bench');
    await manager.configure(flowId, { ...STEP1, host: `device-${i}.local` });
  }
  await manager.idle();
  gc();
  const perFlow = (process.memoryUsage().heapUsed - before) / count;
  if (manager.list().length !== count) throw new Error('flows went missing');

  // The baseline: the same flows held as live XState actors.
  const actors: AnyActorRef[] = [];
  const liveCount = Math.min(count, 10_000);
  gc();
  const beforeLive = process.memoryUsage().heapUsed;
  for (let i = 0; i < liveCount; i++) {
    const actor = createActor(flow.machine, {
      input: { flowId: `f${i}`, source: 'user', ctx: { host: '' } },
    }).start();
    actor.send({ type: 'SUBMIT', input: { ...STEP1, host: `device-${i}.local` } });
    await settled(actor);
    actors.push(actor);
  }
  gc();
  const perActor = (process.memoryUsage().heapUsed - beforeLive) / liveCount;
  const snapshotBytes = Buffer.byteLength(JSON.stringify(actors[0]!.getPersistedSnapshot()));
  for (const a of actors) a.stop();
  return { manager: Math.round(perFlow), liveActor: Math.round(perActor), snapshotBytes };
}

export async function run(opts: { flows?: number; idleFlows?: number } = {}): Promise<EngineRow[]> {
  const steps = await stepsPerSecond(opts.flows ?? 5_000);
  const heap = await heapPerIdleFlow(opts.idleFlows ?? 10_000);
  const alone = xstateAlone();
  return [
    { name: 'engine: bare XState actor, steps/s', value: steps.bare, unit: 'steps/s' },
    {
      name: 'engine: FlowManager, steps/s',
      value: steps.manager,
      unit: 'steps/s',
      baseline: 'engine: bare XState actor, steps/s',
    },
    {
      name: 'XState alone: driven machine, live actor',
      value: alone.actor,
      unit: 'steps/s',
      baseline: 'engine: bare XState actor, steps/s',
    },
    {
      name: 'XState alone: driven machine, pure transition()',
      value: alone.pure,
      unit: 'steps/s',
      baseline: 'engine: bare XState actor, steps/s',
    },
    { name: 'heap per idle flow: live XState actor', value: heap.liveActor, unit: 'B' },
    {
      name: `heap per idle flow: FlowManager (${opts.idleFlows ?? 10_000} flows)`,
      value: heap.manager,
      unit: 'B',
      baseline: 'heap per idle flow: live XState actor',
    },
    { name: 'persisted snapshot size', value: heap.snapshotBytes, unit: 'B' },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const flowsArg = process.argv.indexOf('--flows');
  const idleFlows = flowsArg > 0 ? Number(process.argv[flowsArg + 1]) : 10_000;
  const rows = await run({ idleFlows });
  for (const r of rows) console.log(`${r.name.padEnd(52)} ${String(r.value).padStart(10)} ${r.unit}`);
  const [bare, managed] = rows;
  console.log(`cost per step vs bare XState: ${(bare!.value / managed!.value).toFixed(2)}x`);
  console.log(`reproduce: ${REPRODUCE}`);
}
