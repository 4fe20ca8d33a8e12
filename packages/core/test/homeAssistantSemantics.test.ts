import { describe, expect, it } from 'vitest';
import { DEFAULT_DISCOVERY_UNIQUE_ID, FlowManager, UnknownFlow } from '../src/index.ts';
import { createKitchenFlow } from './flows.ts';
import { gates, world } from './haWorld.ts';

/**
 * Issue 15: the config-flow behaviours Home Assistant's tests/test_data_entry_flow.py and
 * tests/test_config_entries.py assert, driven through FlowManager and ConfigEntries as a user would.
 * (The entry-runtime half is in homeAssistantSemantics.entries.test.ts.)
 */
describe("Home Assistant's flow semantics", () => {
  it('1. the configure() that completes an external step returns external_done; the next step comes on the next read', async () => {
    const manager = new FlowManager({ flows: [createKitchenFlow()] });
    const { flowId } = await manager.init('kitchen');
    expect(await manager.configure(flowId, { nextStepId: 'signin' })).toMatchObject({ type: 'external' });
    const events: string[] = [];
    manager.subscribe((e) => events.push(`${e.type}:${e.result.type}:${e.result.stepId}`));
    const done = await manager.configure(flowId, { code: 'good' });
    expect(done).toEqual({
      flowId,
      handler: 'kitchen',
      source: 'user',
      stepId: 'done',
      type: 'external_done',
    });
    expect(events).toContain('progressed:external_done:done');
    expect(manager.list()).toEqual([expect.objectContaining({ flowId, stepId: 'done' })]);
    expect(await manager.configure(flowId)).toMatchObject({ type: 'form', stepId: 'done' });
    // A re-shown external step (its errors) is still the external step itself.
    const other = await manager.init('kitchen');
    await manager.configure(other.flowId, { nextStepId: 'signin' });
    expect(await manager.configure(other.flowId, { code: 'badd' })).toMatchObject({
      type: 'external',
      errors: { code: 'bad_code' },
    });
  });

  it('2. a flow that reaches create_entry after a progress step stays readable until the client collects the result', async () => {
    const w = world();
    const started = await w.manager.init('sync');
    expect(started).toMatchObject({ type: 'progress', progressAction: 'syncing' });
    gates.work.open();
    await w.manager.idle();
    // The entry exists and the flow is no longer in progress, but the client's refresh gets the end.
    expect(w.manager.entries.list({ domain: 'sync' })).toHaveLength(1);
    expect(w.manager.list()).toEqual([]);
    const collected = await w.manager.get(started.flowId);
    expect(collected).toMatchObject({ type: 'create_entry', title: 'Synced', entry: { domain: 'sync' } });
    await expect(w.manager.get(started.flowId)).rejects.toBeInstanceOf(UnknownFlow);
  });

  it('2b. an end nobody collects is forgotten after the idle timeout', async () => {
    const w = world();
    const started = await w.manager.init('sync');
    gates.work.open();
    await w.manager.idle();
    await w.clock.advance(2 * 60 * 60 * 1000);
    await w.manager.expireIdle();
    await expect(w.manager.get(started.flowId)).rejects.toBeInstanceOf(UnknownFlow);
  });

  it('3. a flow whose first step is still running is not listed until it has a result', async () => {
    const w = world();
    const starting = w.manager.init('gated');
    expect(w.manager.list()).toEqual([]);
    expect(w.manager.list({ includeUninitialized: true })).toEqual([
      expect.objectContaining({ handler: 'gated', stepId: 'start' }),
    ]);
    gates.first.open();
    const { flowId } = await starting;
    expect(w.manager.list()).toEqual([expect.objectContaining({ flowId, stepId: 'pick' })]);
  });

  it('13. flows in progress can be found by the data they were started with', async () => {
    const w = world();
    const a = await w.discover({ id: 'a1', host: 'a.local' });
    await w.discover({ id: 'b1', host: 'b.local' });
    await w.manager.init('dev');
    const sameHost = (host: string) => (data: unknown) => (data as { host?: string }).host === host;
    expect(w.manager.list({ initData: sameHost('a.local') }).map((f) => f.flowId)).toEqual([a.flowId]);
    expect(w.manager.list({ initData: sameHost('c.local') })).toEqual([]);
  });

  it('14. the already_configured abort carries description placeholders', async () => {
    const w = world();
    await w.storedEntry('d1');
    const { flowId } = await w.manager.init('dev');
    expect(await w.manager.configure(flowId, { id: 'd1', host: 'new.local' })).toMatchObject({
      type: 'abort',
      reason: 'already_configured',
      descriptionPlaceholders: { host: 'new.local' },
    });
  });

  it('15. two discoveries without a unique id never both proceed', async () => {
    const w = world();
    const first = await w.discover({ host: 'x.local' });
    expect(first).toMatchObject({ type: 'form', stepId: 'confirm' });
    expect(await w.discover({ host: 'y.local' })).toMatchObject({
      type: 'abort',
      reason: 'already_in_progress',
    });
    // Confirming creates an entry with no unique id (the stand-in is not kept).
    const created = await w.manager.configure(first.flowId, {});
    expect(created).toMatchObject({ type: 'create_entry', entry: { uniqueId: null } });
    // With an entry in place, a discovery without a unique id is already configured.
    expect(await w.discover({ host: 'z.local' })).toMatchObject({
      type: 'abort',
      reason: 'already_configured',
    });
  });

  it('15b. a flow that sets a real unique id aborts the discovery that had none', async () => {
    const w = world();
    const vague = await w.discover({ host: 'x.local' });
    expect(w.manager.list({ includeUninitialized: true })).toHaveLength(1);
    const precise = await w.discover({ id: 'p1', host: 'x.local' });
    expect(precise).toMatchObject({ stepId: 'confirm' });
    await w.manager.idle();
    expect(w.manager.list().map((f) => f.flowId)).toEqual([precise.flowId]);
    expect(w.ended).toContain(`${vague.flowId}:already_in_progress`);
    // An ignored no-unique-id discovery hides the next one too.
    await w.manager.abort(precise.flowId);
    await w.manager.init('dev', { source: 'ignore', data: { uniqueId: DEFAULT_DISCOVERY_UNIQUE_ID } });
    expect(await w.discover({ host: 'x.local' })).toMatchObject({
      type: 'abort',
      reason: 'already_configured',
    });
  });

  it('16. a flow aborts with already_configured when an entry with matching data exists', async () => {
    const w = world();
    const taken = await w.storedEntry('d1', { id: 'd1', host: 'shared.local' });
    await w.storedEntry('d2', { id: 'd2', host: 'other.local' });
    const user = await w.manager.init('dev');
    expect(await w.manager.configure(user.flowId, { id: 'd3', host: 'shared.local' })).toMatchObject({
      type: 'abort',
      reason: 'already_configured',
    });
    // Options count as well; an ignored entry never matches; a flow's own entry is not "another".
    await w.manager.entries.update(taken.entryId, { options: { host: 'opt.local' } });
    const byOption = await w.manager.init('dev');
    expect(await w.manager.configure(byOption.flowId, { id: 'd4', host: 'opt.local' })).toMatchObject({
      reason: 'already_configured',
    });
    await w.manager.entries.add({
      domain: 'dev',
      title: 'i',
      uniqueId: 'i',
      data: { host: 'ign.local' },
      source: 'ignore',
    });
    const pastIgnored = await w.manager.init('dev');
    expect(await w.manager.configure(pastIgnored.flowId, { id: 'd5', host: 'ign.local' })).toMatchObject({
      type: 'create_entry',
    });
    const own = await w.manager.init('dev', { source: 'reconfigure', entryId: taken.entryId });
    expect(await w.manager.configure(own.flowId, { host: 'shared.local' })).toMatchObject({
      reason: 'reconfigure_successful',
    });
    const clash = await w.manager.init('dev', { source: 'reconfigure', entryId: taken.entryId });
    expect(await w.manager.configure(clash.flowId, { host: 'other.local' })).toMatchObject({
      reason: 'already_configured',
    });
  });

  it('17. a single-instance integration aborts a second setup with single_instance_allowed', async () => {
    const w = world({ singleInstance: true });
    const a = await w.manager.init('dev');
    const b = await w.manager.init('dev');
    expect(await w.manager.configure(a.flowId, { id: 'one', host: 'one.local' })).toMatchObject({
      type: 'create_entry',
    });
    await w.manager.idle();
    // Creating the entry aborted every other flow of the integration...
    expect(w.ended).toContain(`${b.flowId}:single_instance_allowed`);
    // ...and no new one starts while the entry exists.
    expect(await w.manager.init('dev')).toMatchObject({ type: 'abort', reason: 'single_instance_allowed' });
    expect(await w.discover({ id: 'two', host: 'two.local' })).toMatchObject({
      reason: 'single_instance_allowed',
    });
    expect(w.manager.list()).toEqual([]);
  });

  it('17b. an ignored entry blocks a single-instance discovery, never a user', async () => {
    const w = world({ singleInstance: true });
    await w.manager.init('dev', { source: 'ignore', data: { uniqueId: 'seen' } });
    expect(await w.discover({ id: 'seen2', host: 'h' })).toMatchObject({ reason: 'single_instance_allowed' });
    expect(await w.manager.init('dev')).toMatchObject({ type: 'form', stepId: 'user' });
  });
});
