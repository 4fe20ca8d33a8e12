import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  defineConfigFlow,
  FakeClock,
  FlowDefinitionError,
  type FlowEvent,
  FlowManager,
  InvalidInput,
  JsonFileFlowStore,
  UnknownFlow,
  UnknownHandler,
  UnknownStep,
  UnsupportedSource,
} from '../src/index.ts';
import { createKitchenFlow } from './flows.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('flow results, through the manager', () => {
  it('walks menu → form → progress → form → create_entry', async () => {
    const manager = new FlowManager({ flows: [createKitchenFlow()] });
    const events: FlowEvent[] = [];
    manager.subscribe((e) => events.push(e));

    const menu = await manager.init('kitchen');
    expect(menu).toMatchObject({
      type: 'menu',
      stepId: 'start',
      menuOptions: ['name', 'signin'],
      source: 'user',
    });
    expect(menu.flowId).toMatch(/^[0-9a-f]{32}$/);

    const form = await manager.configure(menu.flowId, { nextStepId: 'name' });
    expect(form).toMatchObject({ type: 'form', stepId: 'name' });
    expect((form.form as { fields: { name: string }[] }).fields.map((f) => f.name)).toEqual([
      'name',
      'count',
      'password',
    ]);

    const progress = await manager.configure(menu.flowId, { name: 'Kitchen', password: 'pw' });
    expect(['progress', 'form']).toContain(progress.type);
    await manager.idle();
    const done = await manager.configure(menu.flowId);
    expect(done).toMatchObject({ type: 'form', stepId: 'done' });

    const created = await manager.configure(menu.flowId, {});
    expect(created).toMatchObject({ type: 'create_entry', title: 'Kitchen', stepId: 'done' });
    expect(created.entry?.entryId).toBeTruthy();
    expect(manager.entries.get(created.entry!.entryId)?.data).toEqual({ name: 'Kitchen' });
    // Terminal results remove the flow.
    expect(manager.list()).toEqual([]);
    await expect(manager.configure(menu.flowId)).rejects.toBeInstanceOf(UnknownFlow);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['created', 'progressed', 'ended']));
    expect(events.at(-1)).toMatchObject({ type: 'ended', result: { type: 'create_entry' } });
  });

  it('reports progress fractions, emits progress_done and advances by itself', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const manager = new FlowManager({
      flows: [
        createKitchenFlow({
          work: async (_signal, progress) => {
            progress(0.25);
            await gate;
            progress(1);
          },
        }),
      ],
    });
    const events: FlowEvent[] = [];
    manager.subscribe((e) => events.push(e));
    const { flowId } = await manager.init('kitchen');
    await manager.configure(flowId, { nextStepId: 'name' });
    const shown = await manager.configure(flowId, { name: 'Kitchen', password: 'pw' });
    expect(shown).toMatchObject({
      type: 'progress',
      stepId: 'work',
      progressAction: 'working',
      progress: 0.25,
    });
    expect(await manager.configure(flowId)).toMatchObject({ type: 'progress', progress: 0.25 });
    release();
    await manager.idle();
    const types = events.map((e) => e.result.type);
    expect(events.filter((e) => e.type === 'progress').map((e) => e.result.progress)).toEqual([0.25, 1]);
    expect(types).toContain('progress_done');
    expect(await manager.configure(flowId)).toMatchObject({ type: 'form', stepId: 'done' });
  });

  it('cancels progress work when the flow is aborted', async () => {
    let aborted = false;
    const manager = new FlowManager({
      flows: [
        createKitchenFlow({
          work: (signal) =>
            new Promise<void>((resolve) => {
              signal.addEventListener('abort', () => {
                aborted = true;
                resolve();
              });
            }),
        }),
      ],
    });
    const { flowId } = await manager.init('kitchen');
    await manager.configure(flowId, { nextStepId: 'name' });
    expect(await manager.configure(flowId, { name: 'Kitchen', password: 'pw' })).toMatchObject({
      type: 'progress',
    });
    await manager.abort(flowId);
    expect(aborted).toBe(true);
    expect(manager.list()).toEqual([]);
  });

  it('external step shows the URL, re-shows errors, then reports external_done... and continues', async () => {
    const manager = new FlowManager({ flows: [createKitchenFlow()] });
    const { flowId } = await manager.init('kitchen');
    const ext = await manager.configure(flowId, { nextStepId: 'signin' });
    expect(ext).toMatchObject({ type: 'external', stepId: 'signin' });
    expect(ext.url).toContain(`state=${flowId}`);
    const again = await manager.configure(flowId, { code: 'badd' });
    expect(again).toMatchObject({ type: 'external', errors: { code: 'bad_code' } });
    const events: FlowEvent[] = [];
    manager.subscribe((e) => events.push(e));
    const next = await manager.configure(flowId, { code: 'good' });
    expect(next).toMatchObject({ type: 'external_done', stepId: 'done' });
    expect(events.map((e) => [e.type, e.result.type, e.result.stepId])).toContainEqual([
      'progressed',
      'external_done',
      'done',
    ]);
    expect(await manager.get(flowId)).toMatchObject({ type: 'form', stepId: 'done' });
    expect(await manager.configure(flowId, {})).toMatchObject({
      type: 'create_entry',
      title: 'signed-in-good',
    });
  });

  it('abort results carry the reason and placeholders', async () => {
    const manager = new FlowManager({ flows: [createKitchenFlow()] });
    const { flowId } = await manager.init('kitchen');
    await manager.configure(flowId, { nextStepId: 'name' });
    const res = await manager.configure(flowId, { name: 'nope', password: 'x' });
    expect(res).toMatchObject({ type: 'abort', reason: 'nope', descriptionPlaceholders: { why: 'asked' } });
    expect(manager.list()).toEqual([]);
  });
});

describe('decide steps and render-time options', () => {
  const pickFlow = (known: string[]) =>
    defineConfigFlow({
      domain: 'pick',
      sources: { user: 'route' },
      steps: ({ decide, form, menu }) => ({
        // No UI: skip the menu when there is nothing to choose between.
        route: decide({
          next: ['choose', 'manual'],
          run: (flow) => flow.next(known.length > 0 ? 'choose' : 'manual'),
        }),
        choose: form({
          schema: z.object({ device: z.string() }),
          next: ['create_entry', 'more'],
          aborts: ['already_configured'],
          render: () => ({ options: { device: known.map((d) => ({ value: d, label: `Device ${d}` })) } }),
          async submit({ device }, flow) {
            if (await flow.findEntry(device)) return flow.abort('already_configured');
            return flow.createEntry({ title: device, data: { device } });
          },
        }),
        more: menu({ options: ['manual'] }),
        manual: form({
          schema: z.object({ device: z.string() }),
          next: ['create_entry'],
          submit: ({ device }, flow) => flow.createEntry({ title: device, data: { device } }),
        }),
      }),
    });

  it('a decide step picks the first step with no result of its own', async () => {
    const none = new FlowManager({ flows: [pickFlow([])] });
    expect(await none.init('pick')).toMatchObject({ type: 'form', stepId: 'manual' });
    const some = new FlowManager({ flows: [pickFlow(['a', 'b'])] });
    const shown = await some.init('pick');
    expect(shown).toMatchObject({ type: 'form', stepId: 'choose' });
    const field = (shown.form as { fields: { widget: string; options?: unknown }[] }).fields[0];
    expect(field).toMatchObject({
      widget: 'select',
      options: [
        { value: 'a', label: 'Device a' },
        { value: 'b', label: 'Device b' },
      ],
    });
  });

  it('findEntry looks up an entry without claiming the unique id', async () => {
    const manager = new FlowManager({ flows: [pickFlow(['a'])] });
    await manager.entries.add({ domain: 'pick', title: 'a', uniqueId: 'a', data: {}, source: 'user' });
    const first = await manager.init('pick');
    expect(await manager.configure(first.flowId, { device: 'a' })).toMatchObject({
      reason: 'already_configured',
    });
  });
});

describe('errors, the way a user needs them', () => {
  it('schema failures never reach the handler and leave the flow where it was', async () => {
    let calls = 0;
    const flow = defineConfigFlow({
      domain: 'strict',
      sources: { user: 'user' },
      steps: ({ form }) => ({
        user: form({
          schema: z.object({ host: z.string().min(3), port: z.number().int() }),
          next: ['create_entry'],
          submit: (i, f) => {
            calls++;
            return f.createEntry({ title: i.host, data: i });
          },
        }),
      }),
    });
    const manager = new FlowManager({ flows: [flow] });
    const { flowId } = await manager.init('strict');
    const error = await manager.configure(flowId, { host: 'ab', port: 'x', extra: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidInput);
    expect(error.errors.host).toBeTruthy();
    expect(error.errors.port).toBeTruthy();
    await expect(manager.configure(flowId, { port: 1 })).rejects.toMatchObject({
      errors: { host: 'required' },
    });
    expect(calls).toBe(0);
    expect(await manager.configure(flowId)).toMatchObject({ type: 'form', stepId: 'user' });
    expect(await manager.configure(flowId, { host: 'abc', port: 80 })).toMatchObject({
      type: 'create_entry',
    });
    expect(calls).toBe(1);
  });

  it('handler errors re-show the form with the input kept, but never a secret', async () => {
    const manager = new FlowManager({ flows: [createKitchenFlow()] });
    const { flowId } = await manager.init('kitchen');
    await manager.configure(flowId, { nextStepId: 'name' });
    const res = await manager.configure(flowId, { name: 'taken', count: 5, password: 'hunter2' });
    expect(res).toMatchObject({ type: 'form', stepId: 'name', errors: { name: 'taken' } });
    const fields = (res.form as { fields: { name: string; suggested?: unknown }[] }).fields;
    expect(fields.find((f) => f.name === 'name')?.suggested).toBe('taken');
    expect(fields.find((f) => f.name === 'count')?.suggested).toBe(5);
    expect(fields.find((f) => f.name === 'password')?.suggested).toBeUndefined();
    expect(JSON.stringify(res)).not.toContain('hunter2');
  });

  it('a handler that throws re-shows with base: unknown, and the flow goes on', async () => {
    let fail = true;
    const flow = defineConfigFlow({
      domain: 'flaky',
      sources: { user: 'user' },
      steps: ({ form }) => ({
        user: form({
          schema: z.object({ x: z.string() }),
          next: ['create_entry'],
          submit: (i, f) => {
            if (fail) throw new Error('boom');
            return f.createEntry({ title: i.x, data: {} });
          },
        }),
      }),
    });
    const manager = new FlowManager({ flows: [flow] });
    const { flowId } = await manager.init('flaky');
    expect(await manager.configure(flowId, { x: 'a' })).toMatchObject({
      type: 'form',
      errors: { base: 'unknown' },
    });
    fail = false;
    expect(await manager.configure(flowId, { x: 'a' })).toMatchObject({ type: 'create_entry' });
  });

  it('unknown handler, unknown flow, finished flow and unsupported source are typed errors', async () => {
    const manager = new FlowManager({ flows: [createKitchenFlow()] });
    await expect(manager.init('nope')).rejects.toBeInstanceOf(UnknownHandler);
    await expect(manager.configure('0'.repeat(32), {})).rejects.toBeInstanceOf(UnknownFlow);
    await expect(manager.abort('0'.repeat(32))).rejects.toBeInstanceOf(UnknownFlow);
    await expect(manager.init('kitchen', { source: 'reauth' })).rejects.toBeInstanceOf(UnsupportedSource);
  });

  it('a step going somewhere undeclared is UnknownStep at run time, and other flows are unaffected', async () => {
    const manager = new FlowManager({ flows: [createKitchenFlow()] });
    const other = await manager.init('kitchen');
    const { flowId } = await manager.init('kitchen', { source: 'import' });
    await expect(manager.configure(flowId, { name: 'elsewhere' })).rejects.toBeInstanceOf(UnknownStep);
    expect(manager.list().map((f) => f.flowId)).toEqual([other.flowId]);
    expect(await manager.configure(other.flowId, { nextStepId: 'name' })).toMatchObject({ type: 'form' });
  });

  it('rejects an undeclared edge, a dead end and an unreachable step when the flow is defined', () => {
    const define = (steps: Parameters<typeof defineConfigFlow>[0]['steps']) => () =>
      defineConfigFlow({ domain: 'bad', sources: { user: 'user' }, steps } as never);
    const schema = z.object({});
    expect(
      define(({ form }) => ({
        user: form({ schema, next: ['missing'], submit: (_i, f) => f.next('missing') }),
      })),
    ).toThrow(/next step "missing" does not exist/);
    expect(define(({ form }) => ({ user: form({ schema, submit: (_i, f) => f.showErrors({}) }) }))).toThrow(
      /no way out/,
    );
    expect(
      define(({ form }) => ({
        user: form({
          schema,
          next: ['create_entry'],
          submit: (_i, f) => f.createEntry({ title: '', data: {} }),
        }),
        lonely: form({
          schema,
          next: ['create_entry'],
          submit: (_i, f) => f.createEntry({ title: '', data: {} }),
        }),
      })),
    ).toThrow(FlowDefinitionError);
  });

  it('an abort cannot be swallowed by a catch-all in the step', async () => {
    const flow = defineConfigFlow({
      domain: 'swallow',
      sources: { user: 'user' },
      steps: ({ form }) => ({
        user: form({
          schema: z.object({ id: z.string() }),
          next: ['create_entry'],
          aborts: ['already_configured'],
          async submit(input, f) {
            try {
              await f.setUniqueId(input.id);
              await f.abortIfUniqueIdConfigured();
            } catch {
              // An author's broad catch: the abort must still win.
            }
            return f.createEntry({ title: input.id, data: {} });
          },
        }),
      }),
    });
    const manager = new FlowManager({ flows: [flow] });
    const first = await manager.init('swallow');
    expect(await manager.configure(first.flowId, { id: 'dev1' })).toMatchObject({ type: 'create_entry' });
    const second = await manager.init('swallow');
    expect(await manager.configure(second.flowId, { id: 'dev1' })).toMatchObject({
      type: 'abort',
      reason: 'already_configured',
    });
    expect(manager.entries.list()).toHaveLength(1);
  });
});

describe('flows survive a restart, idle ones expire', () => {
  it('a restarted manager resumes each flow at the same step with the same context', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-'));
    dirs.push(dir);
    const path = join(dir, 'flows.json');
    const first = new FlowManager({ flows: [createKitchenFlow()], store: new JsonFileFlowStore(path) });
    await first.start();
    const a = await first.init('kitchen');
    await first.configure(a.flowId, { nextStepId: 'signin' });
    const b = await first.init('kitchen');
    await first.configure(b.flowId, { nextStepId: 'name' });
    await first.configure(b.flowId, { name: 'taken', password: 'pw' });
    await first.stop();

    const second = new FlowManager({ flows: [createKitchenFlow()], store: new JsonFileFlowStore(path) });
    await second.start();
    expect(
      second
        .list()
        .map((f) => [f.flowId, f.stepId])
        .sort(),
    ).toEqual(
      [
        [a.flowId, 'signin'],
        [b.flowId, 'name'],
      ].sort(),
    );
    expect(await second.configure(b.flowId)).toMatchObject({ stepId: 'name', errors: { name: 'taken' } });
    expect(await second.configure(a.flowId, { code: 'abcd' })).toMatchObject({ stepId: 'done' });
    expect(await second.configure(a.flowId, {})).toMatchObject({
      type: 'create_entry',
      title: 'signed-in-abcd',
    });
    await second.stop();
  });

  it('resumes an in-flight progress step after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-'));
    dirs.push(dir);
    const path = join(dir, 'flows.json');
    const first = new FlowManager({
      flows: [createKitchenFlow({ work: () => new Promise(() => {}) })],
      store: new JsonFileFlowStore(path),
    });
    const { flowId } = await first.init('kitchen');
    await first.configure(flowId, { nextStepId: 'name' });
    expect(await first.configure(flowId, { name: 'K1', password: 'pw' })).toMatchObject({ type: 'progress' });
    await first.stop();

    const second = new FlowManager({ flows: [createKitchenFlow()], store: new JsonFileFlowStore(path) });
    await second.start();
    await second.idle();
    expect(await second.configure(flowId)).toMatchObject({ type: 'form', stepId: 'done' });
    await second.stop();
  });

  it('stop() lets a step in flight finish and saves where it got to', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-'));
    dirs.push(dir);
    const path = join(dir, 'flows.json');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = defineConfigFlow({
      domain: 'slow',
      sources: { user: 'first' },
      steps: ({ form }) => ({
        first: form({
          schema: z.object({}),
          next: ['second'],
          async submit(_input, flow) {
            await gate;
            return flow.next('second');
          },
        }),
        second: form({
          schema: z.object({}),
          next: ['create_entry'],
          submit: (_i, f) => f.createEntry({ title: 'S', data: {} }),
        }),
      }),
    });
    const first = new FlowManager({ flows: [slow], store: new JsonFileFlowStore(path) });
    const { flowId } = await first.init('slow');
    const step = first.configure(flowId, {});
    const stopped = first.stop();
    release();
    expect(await step).toMatchObject({ type: 'form', stepId: 'second' });
    await stopped;

    const second = new FlowManager({ flows: [slow], store: new JsonFileFlowStore(path) });
    await second.start();
    expect(second.list()).toEqual([expect.objectContaining({ flowId, stepId: 'second' })]);
    await second.stop();
  });

  it('resumes a snapshot saved by the invoking machine (flow.machine run as a plain actor)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-'));
    dirs.push(dir);
    const path = join(dir, 'flows.json');
    const flow = createKitchenFlow({ work: () => new Promise(() => {}) });
    const { createActor } = await import('xstate');
    const actor = createActor(flow.machine, {
      input: { flowId: 'f1', source: 'user', ctx: flow.initialContext() },
    });
    actor.start();
    actor.send({ type: 'CHOOSE', option: 'name' });
    actor.send({ type: 'SUBMIT', input: { name: 'Kitchen', count: 3, password: 'pw' } });
    await new Promise((resolve) => setImmediate(resolve));
    const persisted = actor.getPersistedSnapshot() as unknown as { value: unknown; children: object };
    expect(persisted.value).toBe('work');
    expect(Object.keys(persisted.children)).toEqual(['work']);
    actor.stop();
    const store = new JsonFileFlowStore(path);
    await store.put({
      flowId: 'f1',
      handler: 'kitchen',
      kind: 'config',
      version: 1,
      source: 'user',
      stepId: 'work',
      snapshot: JSON.stringify(persisted),
      updatedAt: Date.now(),
    });
    await store.flush();

    const manager = new FlowManager({ flows: [createKitchenFlow()], store: new JsonFileFlowStore(path) });
    await manager.start();
    await manager.idle();
    expect(await manager.configure('f1')).toMatchObject({ type: 'form', stepId: 'done' });
    expect(await manager.configure('f1', {})).toMatchObject({ type: 'create_entry', title: 'Kitchen' });
    await manager.stop();
  });

  it('idle flows expire after the configured time on a fake clock', async () => {
    const clock = new FakeClock();
    const manager = new FlowManager({ flows: [createKitchenFlow()], clock, idleTimeoutMs: 10 * 60_000 });
    await manager.start();
    const old = await manager.init('kitchen');
    await clock.advance(6 * 60_000);
    const fresh = await manager.init('kitchen');
    const ended: string[] = [];
    manager.subscribe((e) => e.type === 'ended' && ended.push(`${e.flowId}:${e.result.reason}`));
    await clock.advance(5 * 60_000);
    expect(manager.list().map((f) => f.flowId)).toEqual([fresh.flowId]);
    expect(ended).toEqual([`${old.flowId}:expired`]);
    await expect(manager.configure(old.flowId)).rejects.toBeInstanceOf(UnknownFlow);
    await manager.stop();
  });
});

describe('many flows at once', () => {
  it('1,000 concurrent flows never mix state', async () => {
    const manager = new FlowManager({ flows: [createKitchenFlow()], liveFlows: 50 });
    const ids = await Promise.all(
      Array.from({ length: 1000 }, () => manager.init('kitchen').then((r) => r.flowId)),
    );
    expect(new Set(ids).size).toBe(1000);
    await Promise.all(ids.map((id) => manager.configure(id, { nextStepId: 'signin' })));
    const results = await Promise.all(ids.map((id, i) => manager.configure(id, { code: `code${i}` })));
    expect(results.every((r) => r.stepId === 'done')).toBe(true);
    const created = await Promise.all(ids.map((id) => manager.configure(id, {})));
    created.forEach((r, i) => {
      expect(r).toMatchObject({ type: 'create_entry', flowId: ids[i], title: `signed-in-code${i}` });
    });
    expect(manager.list()).toEqual([]);
    expect(manager.entries.list()).toHaveLength(1000);
  });

  it('passes an inspector to every flow actor', async () => {
    const seen: string[] = [];
    const manager = new FlowManager({ flows: [createKitchenFlow()], inspect: (e) => seen.push(e.type) });
    const { flowId } = await manager.init('kitchen');
    await manager.configure(flowId, { nextStepId: 'signin' });
    expect(seen).toContain('@xstate.actor');
    expect(seen).toContain('@xstate.event');
  });

  it('the machine is a real XState machine', async () => {
    const { machine } = createKitchenFlow();
    const { createActor } = await import('xstate');
    const actor = createActor(machine, { input: { flowId: 'x', source: 'user', ctx: {} } }).start();
    expect(actor.getSnapshot().value).toBe('start');
    actor.send({ type: 'CHOOSE', option: 'signin' });
    expect(actor.getSnapshot().value).toEqual({ signin: 'idle' });
    expect(machine.root.states.create_entry?.type).toBe('final');
    expect(machine.root.states.abort_nope?.type).toBe('final');
  });
});
