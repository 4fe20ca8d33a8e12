import {
  ConfigEntries,
  defineConfigFlow,
  EntryRuntime,
  FakeClock,
  type FlowEvent,
  FlowManager,
  InvalidInput,
  UnknownFlow,
} from '@configflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { leaseTiming, openPgCluster, type PgCluster } from '../src/index.ts';
import { until, useCluster } from './support/database.ts';

const db = useCluster();
const LEASE_MS = 3_000;
/** A lease lives half the period (see leaseTiming): it lapses this long after its last renewal. */
const { ttlMs: TTL } = leaseTiming(LEASE_MS);
const ROUNDS = 50;

/** One run of the progress step's task: which instance ran it, and the gate it waits behind. */
interface Task {
  instance: string;
  flowId: string;
  finish(): void;
}

/**
 * `relay`: two alternating forms (`ping`, then `pong`, each its own field) that log every submit;
 * the ROUNDS-th submit creates the entry with the log. `slow`: a progress step whose task reports
 * half-way and waits for the test, then creates the entry.
 */
function flows(name: string, tasks: Task[]) {
  const relay = defineConfigFlow({
    domain: 'relay',
    context: () => ({ log: [] as string[] }),
    sources: { user: 'ping' },
    steps: ({ form }) => {
      const hop = (field: 'ping' | 'pong', other: 'ping' | 'pong') =>
        form({
          schema: z.object({ [field]: z.string() }),
          next: [other, 'create_entry'],
          submit(input, f) {
            f.context.log.push(`${field}:${String(input[field])}`);
            if (f.context.log.length >= ROUNDS)
              return f.createEntry({ title: 'relay', data: { log: f.context.log } });
            return f.next(other);
          },
        });
      return { ping: hop('ping', 'pong'), pong: hop('pong', 'ping') };
    },
  });
  const slow = defineConfigFlow({
    domain: 'slow',
    context: () => ({}),
    sources: { user: 'start' },
    steps: ({ form, progress }) => ({
      start: form({ schema: z.object({}), next: ['work'], submit: (_input, f) => f.next('work') }),
      work: progress({
        progressAction: 'working',
        next: ['create_entry'],
        async run(f) {
          await new Promise<void>((resolve, reject) => {
            tasks.push({ instance: name, flowId: f.flowId, finish: resolve });
            f.signal.addEventListener('abort', () => reject(new Error('aborted')));
            f.progress(0.5);
          });
          return f.createEntry({ title: `slow by ${name}`, data: { by: name } });
        },
      }),
    }),
  });
  /** `device`: picks a device (its unique id), then waits at a confirm step before creating the entry. */
  const device = defineConfigFlow({
    domain: 'device',
    context: () => ({}),
    sources: { user: 'pick' },
    steps: ({ form }) => ({
      pick: form({
        schema: z.object({ id: z.string() }),
        next: ['confirm'],
        aborts: ['already_in_progress', 'already_configured'],
        async submit(input, f) {
          await f.setUniqueId(input.id);
          await f.abortIfUniqueIdConfigured();
          return f.next('confirm');
        },
      }),
      confirm: form({
        schema: z.object({}),
        next: ['create_entry'],
        submit: (_input, f) => f.createEntry({ title: `device by ${name}`, data: {} }),
      }),
    }),
  });
  return [relay, slow, device];
}

interface Node {
  name: string;
  cluster: PgCluster;
  entries: ConfigEntries;
  manager: FlowManager;
  events: FlowEvent[];
  stop(): Promise<void>;
  kill(): void;
}

let running: Node[] = [];
afterEach(async () => {
  for (const n of running) await n.stop().catch(() => {});
  running = [];
});

/** One instance on the shared database, with fake timers (its renewals run when a test ticks it). */
async function node(url: string, name: string, now: () => number, tasks: Task[]): Promise<Node> {
  const clock = new FakeClock();
  const cluster = await openPgCluster({ url, instance: name, leaseMs: LEASE_MS, clock, now });
  const entries = new ConfigEntries({ store: cluster.entryStore, clock });
  await entries.load();
  const manager = new FlowManager({ flows: flows(name, tasks), entries, store: cluster.flowStore, clock });
  const runtime = new EntryRuntime({
    manager,
    integrations: [],
    clock,
    lock: cluster.lock,
    ownership: cluster.ownership,
  });
  cluster.attach({ entries, manager, runtime });
  await manager.start();
  await runtime.start();
  const events: FlowEvent[] = [];
  manager.subscribe((e) => events.push(e));
  const n: Node = {
    name,
    cluster,
    entries,
    manager,
    events,
    async stop() {
      await runtime.stop();
      await manager.stop();
      await cluster.close();
    },
    kill() {
      // A SIGKILL as the others see it: its connections drop, it releases nothing, renews nothing.
      n.stop = async () => {};
      void cluster.events.stop();
      void cluster.pool.end().catch(() => {});
    },
  };
  running.push(n);
  return n;
}

async function two() {
  const url = await db.database();
  let now = 1_000_000;
  const tasks: Task[] = [];
  const a = await node(url, 'a', () => now, tasks);
  const b = await node(url, 'b', () => now, tasks);
  return { a, b, tasks, advance: (ms: number) => (now += ms) };
}

/** Until the node has nothing in flight, or has started a task of its own (so a wrong run fails fast). */
const quiet = (n: Node, tasks: Task[]) =>
  Promise.race([
    n.manager.idle(),
    until(() => tasks.some((t) => t.instance === n.name), `${n.name} to run a task`),
  ]);

const storedStep = async (on: Node, flowId: string) => {
  const { rows } = await on.cluster.pool.query<{ body: { stepId: string; snapshot: string } }>(
    'SELECT body FROM configflow_flows WHERE flow_id = $1',
    [flowId],
  );
  const body = rows[0]?.body;
  return body && { stepId: body.stepId, log: JSON.parse(body.snapshot).context.ctx.log as string[] };
};

describe('a flow on two instances', () => {
  it('two submits to one flow at the same instant on two instances are applied one after the other', async () => {
    const { a, b } = await two();
    const { flowId } = await a.manager.init('relay');
    const expected: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const field = round % 2 === 0 ? 'ping' : 'pong';
      const [fromA, fromB] = await Promise.allSettled([
        a.manager.configure(flowId, { [field]: `a${round}` }),
        b.manager.configure(flowId, { [field]: `b${round}` }),
      ]);
      const won = [fromA, fromB].filter((r) => r.status === 'fulfilled');
      const lost = [fromA, fromB].filter((r) => r.status === 'rejected');
      // Exactly one step per round; the other request finds the flow at the next step (or ended),
      // where its input does not fit: a clear error, no second step.
      expect(won, `round ${round}`).toHaveLength(1);
      expect(lost[0]?.reason, `round ${round}`).toBeInstanceOf(
        round === ROUNDS - 1 ? UnknownFlow : InvalidInput,
      );
      expected.push(`${field}:${fromA.status === 'fulfilled' ? 'a' : 'b'}${round}`);
      if (round === ROUNDS - 1) break;
      // The stored flow is what both instances read now, at once (no waiting for relayed events).
      const stored = await storedStep(a, flowId);
      expect(stored).toEqual({ stepId: field === 'ping' ? 'pong' : 'ping', log: expected });
      const [readA, readB] = await Promise.all([a.manager.get(flowId), b.manager.get(flowId)]);
      expect([readA.stepId, readB.stepId]).toEqual([stored!.stepId, stored!.stepId]);
    }
    // Ended once, with every step in its order.
    expect(await storedStep(a, flowId)).toBeUndefined();
    await until(
      () => a.entries.list().length === 1 && b.entries.list().length === 1,
      'both to see the entry',
    );
    expect(a.entries.list()).toHaveLength(1);
    expect(a.entries.list()[0]!.data).toEqual({ log: expected });
  });

  it("a progress step's task runs once, on one instance, though another reads the flow meanwhile", async () => {
    const { a, b, tasks } = await two();
    const { flowId } = await a.manager.init('slow');
    expect((await a.manager.configure(flowId, {})).type).toBe('progress');
    await until(() => tasks.length === 1, 'the task to start');
    // B reads it (a GET through B): it shows the progress and relays A's events, but runs nothing.
    const seen = await b.manager.get(flowId);
    expect(seen).toMatchObject({ type: 'progress', stepId: 'work' });
    await until(
      () => b.events.some((e) => e.type === 'progress' && e.remote && e.result.progress === 0.5),
      "B's subscribers to see A's progress",
    );
    await b.manager.get(flowId);
    await b.cluster.tick();
    await a.cluster.tick();
    await quiet(b, tasks);
    expect(tasks.map((t) => t.instance)).toEqual(['a']);
    tasks[0]!.finish();
    await until(() => b.entries.list().length === 1, 'B to see the entry');
    // B's subscribers hear the work finish there, and B's next read collects the end.
    await until(() => b.events.some((e) => e.type === 'ended' && e.remote), 'B to hear the flow end');
    expect(b.events.find((e) => e.type === 'ended')?.result).toMatchObject({ type: 'create_entry' });
    expect(await b.manager.get(flowId)).toMatchObject({ type: 'create_entry', title: 'slow by a' });
    expect(tasks).toHaveLength(1);
    expect(a.entries.list()).toHaveLength(1);
  });

  it("a killed instance's progress work is taken over by a survivor once its lease lapses, and ends once", async () => {
    const { a, b, tasks, advance } = await two();
    const { flowId } = await a.manager.init('slow');
    await a.manager.configure(flowId, {});
    await until(() => tasks.length === 1, 'the task to start on A');
    await b.manager.get(flowId);
    await a.kill();
    // Within the lease period the work stays A's: B does not run it.
    advance(TTL - 1);
    await b.cluster.tick();
    await quiet(b, tasks);
    expect(tasks.map((t) => t.instance)).toEqual(['a']);
    // A's own task finishing now cannot end the flow: A is gone (its pool is closed).
    tasks[0]!.finish();
    advance(2);
    await b.cluster.tick();
    await until(() => tasks.length === 2, 'B to take the work over');
    expect(tasks[1]).toMatchObject({ instance: 'b', flowId });
    tasks[1]!.finish();
    await until(() => b.entries.list().length === 1, 'the flow to end on B');
    expect(b.entries.list()[0]).toMatchObject({ title: 'slow by b' });
    // The entry is written before the flow's row goes: wait for the row, not for the entry alone.
    await until(async () => (await storedStep(b, flowId)) === undefined, 'the flow row to go');
    const { rows } = await b.cluster.pool.query('SELECT count(*)::int AS n FROM configflow_entries');
    expect(rows[0].n).toBe(1);
    expect(tasks).toHaveLength(2);
  });
});

describe('one device, two servers', () => {
  it("a flow claiming a device another server's flow has in progress aborts already_in_progress, at once", async () => {
    const { a, b } = await two();
    for (let round = 1; round <= 10; round++) {
      const id = `D${round}`;
      const [onA, onB] = await Promise.all([a.manager.init('device'), b.manager.init('device')]);
      // Both pick the same device at the same instant: one goes on, the other aborts.
      const picked = await Promise.all([
        a.manager.configure(onA.flowId, { id }),
        b.manager.configure(onB.flowId, { id }),
      ]);
      const outcomes = picked.map((r) => (r.type === 'abort' ? r.reason : r.stepId));
      expect(outcomes.sort(), `round ${round}`).toEqual(['already_in_progress', 'confirm']);
      // A third flow, on either server, while the winner waits at confirm: already_in_progress too.
      const third = await b.manager.init('device');
      expect(await b.manager.configure(third.flowId, { id })).toMatchObject({
        type: 'abort',
        reason: 'already_in_progress',
      });
      const winner =
        picked[0]!.type === 'abort' ? { on: b, flowId: onB.flowId } : { on: a, flowId: onA.flowId };
      expect(await winner.on.manager.configure(winner.flowId, {})).toMatchObject({ type: 'create_entry' });
      // The device is configured now: a new flow for it aborts already_configured, not in progress.
      await until(() => a.entries.list().some((e) => e.uniqueId === id), 'A to see the entry');
      const after = await a.manager.init('device');
      expect(await a.manager.configure(after.flowId, { id })).toMatchObject({
        type: 'abort',
        reason: 'already_configured',
      });
    }
    const { rows } = await a.cluster.pool.query('SELECT count(*)::int AS n FROM configflow_flow_claims');
    expect(rows[0].n).toBe(0);
  });

  it("a claim left by a server that died in a flow's first step lapses after one lock lifetime", async () => {
    const { a, b, advance } = await two();
    // A died in the first step of a flow claiming D: its claim is there, the flow's row never was.
    await a.cluster.pool.query(
      `INSERT INTO configflow_flow_claims (flow_id, handler, unique_id, source, claimed_at)
       VALUES ('gone', 'device', 'D', 'user', $1)`,
      [1_000_000],
    );
    const first = await b.manager.init('device');
    expect(await b.manager.configure(first.flowId, { id: 'D' })).toMatchObject({
      reason: 'already_in_progress',
    });
    advance(TTL);
    const second = await b.manager.init('device');
    expect(await b.manager.configure(second.flowId, { id: 'D' })).toMatchObject({ stepId: 'confirm' });
  });
});
