/**
 * Issue 17: the manager moves its flows through a TransitionCache (each (state, kind of event) pair
 * resolved by XState once, then reused) instead of a live XState actor. Here both run every path
 * `xstate/graph` enumerates through the driven machines of hello and FordPass (their config and
 * options flows, from every source), and must agree after every event: value, status, context,
 * output and the persisted snapshot, from a cold cache, a warm one, and one revived mid-path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, createActor, type EventObject } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import { createHelloFlow } from '../../../examples/hello/src/index.ts';
import { createFordPassIntegration } from '../../fordpass/src/index.ts';
import { CachedActor, type FlowActor } from '../src/cachedActor.ts';
import {
  CREATE_ENTRY_STATE,
  compileMachine,
  type FlowEvent,
  STEP_DONE,
  STEP_FAILED,
} from '../src/compileMachine.ts';
import type { ConfigFlow } from '../src/index.ts';
import type { FlowMachineInput } from '../src/machineContext.ts';
import { TransitionCache } from '../src/transitionCache.ts';

const storageDir = mkdtempSync(join(tmpdir(), 'cf-transition-cache-'));
afterAll(() => rmSync(storageDir, { recursive: true, force: true }));

const hello = createHelloFlow();
const fordpass = createFordPassIntegration({ storageDir }).flow;
const FLOWS: [string, ConfigFlow][] = [
  ['hello', hello],
  ['hello options', hello.options!],
  ['FordPass', fordpass],
  ['FordPass options', fordpass.options!],
];

const topStep = (value: unknown) =>
  typeof value === 'string' ? { stepId: value, sub: undefined } : toPair(value as Record<string, string>);
const toPair = (value: Record<string, string>) => {
  const [stepId, sub] = Object.entries(value)[0]!;
  return { stepId, sub };
};

/** Every event the driven machine can be sent in a state: what the manager would send there. */
function eventsFor(flow: ConfigFlow) {
  const described = new Map(flow.describe().steps.map((s) => [s.stepId, s]));
  return (snapshot: AnyMachineSnapshot): FlowEvent[] => {
    if (snapshot.status !== 'active') return [];
    const { stepId, sub } = topStep(snapshot.value);
    const step = described.get(stepId);
    if (!step) return [];
    if (step.kind === 'menu') return step.menuOptions.map((option) => ({ type: 'CHOOSE', option }));
    if (sub === 'idle') return [{ type: 'SUBMIT', input: { at: stepId } }];
    const output = (outcome: unknown) => ({
      outcome,
      ctx: { at: stepId, outcome } as never,
      uniqueId: `unique-${stepId}`,
      ...((outcome as { type: string }).type === 'errors' ? { input: { kept: stepId } } : {}),
    });
    const events: FlowEvent[] = [];
    for (const to of step.next) {
      const outcome =
        to === CREATE_ENTRY_STATE
          ? { type: 'create_entry', title: `from ${stepId}`, data: { at: stepId } }
          : { type: 'next', step: to };
      events.push({ type: STEP_DONE, output: output(outcome) as never });
    }
    for (const reason of step.aborts)
      events.push({
        type: STEP_DONE,
        output: output({ type: 'abort', reason, placeholders: { at: stepId } }) as never,
      });
    for (const key of step.errors)
      events.push({
        type: STEP_DONE,
        output: output({ type: 'errors', errors: { base: key }, placeholders: { shown: key } }) as never,
      });
    events.push({
      type: STEP_FAILED,
      error: Object.assign(new Error(`${stepId} broke`), { code: 'x_failed' }),
    });
    return events;
  };
}

/** An event no state of a flow machine takes: both must ignore it alike. */
const STRAY: FlowEvent = { type: 'CHOOSE', option: '__no_such_option__' };

function view(actor: FlowActor) {
  const s = actor.getSnapshot();
  return {
    status: s.status,
    value: s.value,
    context: s.context,
    output: s.output,
    persisted: JSON.parse(JSON.stringify(actor.getPersistedSnapshot())),
  };
}

const stateKeyOf = (value: unknown) => {
  const { stepId, sub } = topStep(value);
  return sub ? `${stepId}.${sub}` : stepId;
};

describe.each(FLOWS)('%s: the cached transitions agree with a live XState actor', (_name, flow) => {
  const machine = compileMachine({
    id: flow.machine.id,
    sources: flow.sources,
    steps: flow.steps,
    driven: true,
  });
  const warm = new TransitionCache(machine);

  it.each(Object.keys(flow.sources))('on every simple path from source %s', (source) => {
    const input: FlowMachineInput = {
      flowId: 'f1',
      source: source as FlowMachineInput['source'],
      ctx: flow.initialContext(),
      ...(source === 'user' || source === 'discovery' || source === 'import' ? {} : { entryId: 'entry-1' }),
    };
    const paths = getSimplePaths(machine, {
      input,
      events: eventsFor(flow) as never,
      serializeState: (s: AnyMachineSnapshot) => `${s.status} ${JSON.stringify(s.value)}`,
      serializeEvent: (e: EventObject) => JSON.stringify(e),
    });
    expect(paths.length).toBeGreaterThan(0);
    const taken = new Set<string>();
    for (const path of paths) {
      const events = path.steps.map((s) => s.event as FlowEvent).filter((e) => !e.type.startsWith('xstate.'));
      const live = createActor(machine, { input }).start();
      const cold = new CachedActor(new TransitionCache(machine), { input });
      const hot = new CachedActor(warm, { input });
      expect(view(cold)).toStrictEqual(view(live));
      expect(view(hot)).toStrictEqual(view(live));
      for (const event of events) {
        const before = live.getSnapshot();
        taken.add(`${stateKeyOf(before.value)} ${JSON.stringify(event).slice(0, 80)}`);
        // Revived from what the live actor would persist here, then sent the same event.
        const revived = new CachedActor(warm, {
          snapshot: JSON.parse(JSON.stringify(live.getPersistedSnapshot())),
        });
        for (const a of [live, cold, hot, revived]) a.send(event);
        const expected = view(live);
        expect(view(cold)).toStrictEqual(expected);
        expect(view(hot)).toStrictEqual(expected);
        // Revived from JSON, its context lacks the keys XState set to undefined: equal otherwise.
        expect(view(revived)).toEqual(expected);
        if (live.getSnapshot().status !== 'active') continue;
        for (const a of [live, cold, hot]) a.send(STRAY);
        expect(view(live)).toStrictEqual(expected);
        expect(view(hot)).toStrictEqual(expected);
        expect(view(cold)).toStrictEqual(expected);
      }
      // One more event of every kind at the path's end, loops back to earlier states included
      // (simple paths never take those): from XState's own revival of the snapshot and from ours.
      for (const event of eventsFor(flow)(live.getSnapshot())) {
        taken.add(`${stateKeyOf(live.getSnapshot().value)} ${JSON.stringify(event).slice(0, 80)}`);
        const persisted = JSON.parse(JSON.stringify(live.getPersistedSnapshot()));
        const forkLive = createActor(machine, { snapshot: persisted }).start();
        const forkCached = new CachedActor(warm, { snapshot: persisted });
        forkLive.send(event);
        forkCached.send(event);
        expect(view(forkCached)).toStrictEqual(view(forkLive));
        forkLive.stop();
      }
      live.stop();
    }
    // Every event offered in every state some path reaches was sent there.
    expect(taken.size).toBeGreaterThan(paths.length);
    for (const path of paths)
      for (const step of path.steps)
        for (const event of eventsFor(flow)(step.state))
          expect(taken).toContain(`${stateKeyOf(step.state.value)} ${JSON.stringify(event).slice(0, 80)}`);
  });
});

describe('TransitionCache', () => {
  it('asks XState once per (state, kind of event), then reuses the answer for every flow', () => {
    const machine = compileMachine({
      id: hello.machine.id,
      sources: hello.sources,
      steps: hello.steps,
      driven: true,
    });
    let resolved = 0;
    const resolveState = machine.resolveState.bind(machine);
    machine.resolveState = ((config: never) => {
      resolved++;
      return resolveState(config);
    }) as never;
    const cache = new TransitionCache(machine);
    const run = (flowId: string, host: string) => {
      const actor = new CachedActor(cache, {
        input: { flowId, source: 'user', ctx: hello.initialContext() },
      });
      actor.send({ type: 'SUBMIT', input: { host } });
      const errors = { type: 'errors', errors: { base: 'cannot_connect' } };
      actor.send({ type: STEP_DONE, output: { outcome: errors as never, ctx: { host } } });
      actor.send({ type: 'SUBMIT', input: { host } });
      const entry = { type: 'create_entry', title: host, data: { host } };
      actor.send({ type: STEP_DONE, output: { outcome: entry as never, ctx: { host } } });
      return actor.getSnapshot();
    };
    const first = run('f1', 'a.local');
    // user.idle SUBMIT, user.running errors, user.running create_entry: three pairs.
    expect(resolved).toBe(3);
    const second = run('f2', 'b.local');
    expect(resolved).toBe(3);
    expect(first.status).toBe('done');
    expect(second).toMatchObject({
      status: 'done',
      value: CREATE_ENTRY_STATE,
      context: { flowId: 'f2', ctx: { host: 'b.local' }, errors: undefined },
      output: { type: 'create_entry', title: 'b.local' },
    });
  });
});
