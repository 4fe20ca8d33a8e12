import { AuthFailed, type ConfigEntry, EntryNotReady, type Integration } from '@configflow/core';
import { createHelloFlow, strings } from '@configflow/example-hello';
import { TranslationProblems } from '@configflow/forms';
import { describe, expect, it } from 'vitest';
import { createFlowHarness } from '../src/index.ts';
import { fakeHelloClient } from './helloDoubles.ts';
import { createTourFlow, tourStrings } from './tourFlow.ts';

function hello(opts: { integrations?: (flow: ReturnType<typeof createHelloFlow>) => Integration[] } = {}) {
  const double = fakeHelloClient();
  const flow = createHelloFlow({ client: double.client });
  const h = createFlowHarness({
    flows: [flow],
    ...(opts.integrations ? { integrations: opts.integrations(flow) } : {}),
  });
  return { h, double, flow };
}

describe('flow harness', () => {
  it('runs a user flow the Home Assistant way: error, recover, create', async () => {
    const { h, double } = hello();
    const result = await h.init('hello', { source: 'user' });
    expect(result).toMatchObject({ type: 'form', stepId: 'user' });
    double.cannotConnect();
    const shown = await h.configure(result.flowId, { host: 'kitchen.local', apiToken: 'hello-1' });
    expect(shown).toMatchObject({ type: 'form', errors: { base: 'cannot_connect' } });
    expect(h.flows()).toHaveLength(1);
    double.state.fail = undefined;
    const done = await h.configure(result.flowId, { host: 'kitchen.local', apiToken: 'hello-1' });
    expect(done).toMatchObject({ type: 'create_entry', title: 'Hello kitchen.local' });
    expect(h.entries()).toMatchObject([{ uniqueId: 'dev-kitchen.local', data: { host: 'kitchen.local' } }]);
    expect(h.flows()).toEqual([]);
    expect(h.reloads).toEqual([done.entry!.entryId]);
    expect(h.results.map((r) => r.type)).toEqual(['form', 'form', 'create_entry']);
  });

  it('mock entries: a duplicate aborts already_configured and the entry is updated', async () => {
    const { h } = hello();
    const entry = await h.addMockEntry({
      domain: 'hello',
      uniqueId: 'dev-kitchen.local',
      data: { host: 'old.local', apiToken: 'hello-1' },
    });
    expect(entry).toMatchObject({ title: 'hello', source: 'user', state: 'not_loaded', version: 1 });
    expect(h.reloads).toEqual([]);
    const { flowId } = await h.init('hello');
    expect(await h.configure(flowId, { host: 'kitchen.local', apiToken: 'hello-1' })).toMatchObject({
      type: 'abort',
      reason: 'already_configured',
    });
    expect(h.entry(entry).data.host).toBe('kitchen.local');
  });

  it('starts reauth, reconfigure and options flows for an entry', async () => {
    const { h } = hello();
    const entry = await h.addMockEntry({
      domain: 'hello',
      title: 'Kitchen',
      uniqueId: 'dev-kitchen.local',
      data: { host: 'kitchen.local', apiToken: 'hello-1' },
      options: { scanInterval: 30 },
    });
    const reauth = await h.startReauth(entry);
    expect(reauth).toMatchObject({ stepId: 'reauth_confirm', descriptionPlaceholders: { name: 'Kitchen' } });
    expect(await h.configure(reauth.flowId, { apiToken: 'hello-2' })).toMatchObject({
      reason: 'reauth_successful',
    });
    expect(h.entry(entry).data.apiToken).toBe('hello-2');

    const reconfigure = await h.startReconfigure(entry.entryId);
    expect(reconfigure.stepId).toBe('reconfigure');
    const options = await h.startOptions(entry);
    expect(options).toMatchObject({ type: 'form', stepId: 'init' });
    expect(
      h
        .flows()
        .map((f) => f.source)
        .sort(),
    ).toEqual(['options', 'reconfigure']);
    expect(h.flows({ entryId: entry.entryId })).toHaveLength(2);
  });

  it('the fake clock drives expiry', async () => {
    const { h } = hello();
    await h.init('hello');
    await h.clock.advance(59 * 60_000);
    expect(h.flows()).toHaveLength(1);
    await h.clock.advance(2 * 60 * 60_000);
    expect(h.flows()).toEqual([]);
    expect(h.flowEvents.at(-1)?.result).toMatchObject({ type: 'abort', reason: 'expired' });
  });

  it('with integrations, created entries are set up; an auth failure opens one reauth flow', async () => {
    let valid = true;
    const { h } = hello({
      integrations: (flow) => [
        {
          flow,
          async setup(entry: ConfigEntry, ctx) {
            if (!valid) throw new AuthFailed(`token ${String(entry.data.apiToken)} rejected`);
            ctx.log('connected');
            return {};
          },
          async poll() {
            if (!valid) throw new AuthFailed('rejected');
            throw new EntryNotReady('busy');
          },
        },
      ],
    });
    const { flowId } = await h.init('hello');
    const done = await h.configure(flowId, { host: 'kitchen.local', apiToken: 'hello-1' });
    await h.idle();
    expect(h.entry(done.entry!.entryId).state).toBe('loaded');
    valid = false;
    await h.clock.advance(60_000);
    await h.idle();
    expect(h.entry(done.entry!.entryId)).toMatchObject({ state: 'setup_error', reason: 'rejected' });
    expect(h.flows({ source: 'reauth' })).toHaveLength(1);
    expect(h.log.join('\n')).toContain('loaded -> setup_error (rejected)');
    expect(await h.setupEntry(done.entry!.entryId)).toBe('setup_error');
  });
});

describe('translation check', () => {
  it('fails the call whose result shows a text the strings lack, naming the key', async () => {
    const broken = structuredClone(strings);
    delete broken.en!.config!.step!.user!.data!.apiToken;
    delete broken.en!.config!.error!.cannot_connect;
    const double = fakeHelloClient();
    const h = createFlowHarness({
      flows: [{ ...createHelloFlow({ client: double.client }), strings: broken }],
    });
    await expect(h.init('hello')).rejects.toThrow(
      'missing label of field "apiToken": config.step.user.data.apiToken',
    );
    const h2 = createFlowHarness({
      flows: [{ ...createHelloFlow({ client: double.client }), strings: broken }],
      translations: false,
    });
    const { flowId } = await h2.init('hello');
    double.cannotConnect();
    expect(await h2.configure(flowId, { host: 'a', apiToken: 'hello-1' })).toMatchObject({
      errors: { base: 'cannot_connect' },
    });
  });

  it('a flow without strings fails; so does an abort reason without text', async () => {
    const h = createFlowHarness({ flows: [createTourFlow({ syncOk: true, syncs: 0 }, null)] });
    const error = await h.init('tour').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TranslationProblems);
    expect((error as TranslationProblems).problems[0]?.message).toMatch(/flow "tour" has no strings/);

    const noCancel = tourStrings();
    delete (noCancel.en!.config!.abort as Record<string, string>).cancelled;
    const h2 = createFlowHarness({ flows: [createTourFlow({ syncOk: true, syncs: 0 }, noCancel)] });
    const { flowId } = await h2.init('tour');
    await h2.configure(flowId, { nextStepId: 'account' });
    await expect(h2.configure(flowId, { code: 'cancel' })).rejects.toThrow('config.abort.cancelled');
  });

  it('checks the result a progress step reaches by itself, at idle()', async () => {
    const noFailText = tourStrings();
    delete (noFailText.en!.config!.abort as Record<string, string>).sync_failed;
    const h = createFlowHarness({ flows: [createTourFlow({ syncOk: false, syncs: 0 }, noFailText)] });
    const { flowId } = await h.init('tour');
    await h.configure(flowId, { nextStepId: 'account' });
    // The external step's answer is Home Assistant's external_done, naming the progress step.
    expect(await h.configure(flowId, { code: 'ok' })).toMatchObject({
      type: 'external_done',
      stepId: 'sync',
    });
    await expect(h.idle()).rejects.toThrow('config.abort.sync_failed');
    expect(h.results.at(-1)).toMatchObject({ type: 'abort', reason: 'sync_failed' });
    await h.idle();
  });
});
