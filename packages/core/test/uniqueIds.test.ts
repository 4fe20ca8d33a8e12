import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConfigFlow, FlowManager } from '../src/index.ts';

/** A discovery-style flow: the unique id is set in the first step, the entry made after a confirm. */
const deviceFlow = defineConfigFlow({
  domain: 'device',
  context: () => ({ id: '' }),
  sources: { user: 'user', discovery: 'user', reauth: 'reauth_confirm' },
  steps: ({ form }) => ({
    user: form({
      schema: z.object({ id: z.string(), lenient: z.boolean().default(false) }),
      next: ['confirm'],
      aborts: ['already_configured', 'already_in_progress'],
      async submit(input, flow) {
        await flow.setUniqueId(input.id, { raiseOnProgress: !input.lenient });
        await flow.abortIfUniqueIdConfigured();
        flow.context.id = input.id;
        return flow.next('confirm');
      },
    }),
    confirm: form({
      schema: z.object({}),
      next: ['create_entry'],
      submit: (_i, flow) => flow.createEntry({ title: flow.context.id, data: { id: flow.context.id } }),
    }),
    reauth_confirm: form({
      schema: z.object({ id: z.string() }),
      aborts: ['reauth_successful', 'wrong_account'],
      async submit(input, flow) {
        await flow.setUniqueId(input.id);
        flow.abortIfUniqueIdMismatch({ reason: 'wrong_account' });
        return flow.updateReloadAndAbort(flow.getReauthEntry(), { dataUpdates: { touched: true } });
      },
    }),
  }),
});

async function start(
  id: string,
  manager: FlowManager,
  source: 'user' | 'discovery' = 'user',
  lenient = false,
) {
  const { flowId } = await manager.init('device', { source });
  return { flowId, result: await manager.configure(flowId, { id, lenient }) };
}

describe('unique ids (Home Assistant semantics)', () => {
  it('another flow in progress with the same id aborts the new one with already_in_progress', async () => {
    const manager = new FlowManager({ flows: [deviceFlow] });
    const a = await start('dev1', manager);
    expect(a.result.stepId).toBe('confirm');
    const b = await start('dev1', manager);
    expect(b.result).toMatchObject({ type: 'abort', reason: 'already_in_progress' });
    expect((await start('dev2', manager)).result.stepId).toBe('confirm');
  });

  it('a reauth flow in progress does not count', async () => {
    const manager = new FlowManager({ flows: [deviceFlow] });
    const a = await start('dev1', manager);
    await manager.configure(a.flowId, {});
    const entry = manager.entries.list()[0]!;
    const reauth = await manager.init('device', { source: 'reauth', entryId: entry.entryId });
    await manager.entries.remove(entry.entryId);
    expect(manager.list({ source: 'reauth' }).map((f) => f.flowId)).toEqual([reauth.flowId]);
    expect((await start('dev1', manager)).result.stepId).toBe('confirm');
  });

  it('creating an entry aborts the other flows with the same unique id', async () => {
    const manager = new FlowManager({ flows: [deviceFlow] });
    const ended: string[] = [];
    manager.subscribe(
      (e) => e.type === 'ended' && ended.push(`${e.flowId}:${e.result.reason ?? e.result.type}`),
    );
    const a = await start('dev1', manager);
    const b = await start('dev1', manager, 'user', true);
    expect(b.result.stepId).toBe('confirm');
    await manager.configure(a.flowId, {});
    await manager.idle();
    expect(manager.list()).toEqual([]);
    expect(ended).toContain(`${b.flowId}:already_configured`);
  });

  it('an ignored discovery blocks discovery but not the user', async () => {
    const manager = new FlowManager({ flows: [deviceFlow] });
    const ignored = await manager.init('device', {
      source: 'ignore',
      data: { uniqueId: 'dev9', title: 'Nope' },
    });
    expect(ignored).toMatchObject({ type: 'create_entry', entry: { source: 'ignore', uniqueId: 'dev9' } });
    expect((await start('dev9', manager, 'discovery')).result).toMatchObject({
      reason: 'already_configured',
    });
    const user = await start('dev9', manager, 'user');
    expect(user.result.stepId).toBe('confirm');
    expect(await manager.configure(user.flowId, {})).toMatchObject({ type: 'create_entry' });
    expect(manager.entries.list().map((e) => e.source)).toEqual(['user']);
  });

  it('reauth with another account aborts wrong_account and leaves the entry untouched', async () => {
    const manager = new FlowManager({ flows: [deviceFlow] });
    const a = await start('dev1', manager);
    await manager.configure(a.flowId, {});
    const entry = manager.entries.list()[0]!;
    const reauth = await manager.init('device', { source: 'reauth', entryId: entry.entryId });
    expect(await manager.configure(reauth.flowId, { id: 'dev2' })).toMatchObject({ reason: 'wrong_account' });
    expect(manager.entries.require(entry.entryId)).toEqual(entry);
    const again = await manager.init('device', { source: 'reauth', entryId: entry.entryId });
    expect(await manager.configure(again.flowId, { id: 'dev1' })).toMatchObject({
      reason: 'reauth_successful',
    });
    expect(manager.entries.require(entry.entryId).data).toEqual({ id: 'dev1', touched: true });
  });

  it('a reauth or reconfigure flow cannot create an entry', () => {
    expect(() =>
      defineConfigFlow({
        domain: 'bad',
        sources: { user: 'user', reauth: 'reauth' },
        steps: ({ form }) => ({
          user: form({
            schema: z.object({}),
            next: ['create_entry'],
            submit: (_i, f) => f.createEntry({ title: '', data: {} }),
          }),
          reauth: form({
            schema: z.object({}),
            next: ['create_entry'],
            submit: (_i, f) => f.createEntry({ title: '', data: {} }),
          }),
        }),
      }),
    ).toThrow(/cannot create one/);
  });
});
