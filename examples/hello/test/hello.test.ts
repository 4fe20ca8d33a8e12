import { FlowManager, type FlowResult } from '@configflow/core';
import { describe, expect, it } from 'vitest';
import { CannotConnect, createHelloFlow, type HelloClient, InvalidAuth } from '../src/index.ts';

/** A client double the tests can fail, as Home Assistant's tests do with `side_effect`. */
function fakeClient() {
  const state = { error: undefined as Error | undefined, devices: new Map<string, string>(), calls: 0 };
  const client: HelloClient = {
    async connect(host, token) {
      state.calls++;
      if (state.error) throw state.error;
      const owner = state.devices.get(token);
      return { deviceId: owner ?? `dev-${host}`, name: `Hello ${host}` };
    },
  };
  return { client, state };
}

async function setUp(client: HelloClient) {
  const manager = new FlowManager({ flows: [createHelloFlow({ client })] });
  const reloads: string[] = [];
  manager.entries.reloader = async (entry) => {
    reloads.push(entry.entryId);
  };
  return { manager, reloads };
}

async function addEntry(manager: FlowManager, host = 'kitchen.local', apiToken = 'hello-1') {
  const { flowId } = await manager.init('hello');
  const result = await manager.configure(flowId, { host, apiToken });
  expect(result.type).toBe('create_entry');
  return manager.entries.require(result.entry!.entryId);
}

describe('hello: user step', () => {
  it('checks the connection before creating the entry; cannot_connect keeps the form', async () => {
    const { client, state } = fakeClient();
    const { manager } = await setUp(client);
    const { flowId, type, stepId } = await manager.init('hello');
    expect({ type, stepId }).toEqual({ type: 'form', stepId: 'user' });
    state.error = new CannotConnect('down');
    const shown = await manager.configure(flowId, { host: 'kitchen.local', apiToken: 'hello-1' });
    expect(shown).toMatchObject({ type: 'form', stepId: 'user', errors: { base: 'cannot_connect' } });
    state.error = new InvalidAuth('no');
    expect(await manager.configure(flowId, { host: 'kitchen.local', apiToken: 'x' })).toMatchObject({
      errors: { base: 'invalid_auth' },
    });
    state.error = undefined;
    const done = await manager.configure(flowId, { host: 'kitchen.local', apiToken: 'hello-1' });
    expect(done).toMatchObject({ type: 'create_entry', title: 'Hello kitchen.local' });
    const entry = manager.entries.require(done.entry!.entryId);
    expect(entry).toMatchObject({
      uniqueId: 'dev-kitchen.local',
      data: { host: 'kitchen.local', apiToken: 'hello-1' },
    });
  });

  it('a second setup of the same device aborts already_configured and updates the host', async () => {
    const { client, state } = fakeClient();
    const { manager, reloads } = await setUp(client);
    const entry = await addEntry(manager);
    state.devices.set('hello-2', 'dev-kitchen.local');
    const { flowId } = await manager.init('hello');
    const res = await manager.configure(flowId, { host: '10.0.0.7', apiToken: 'hello-2' });
    expect(res).toMatchObject({ type: 'abort', reason: 'already_configured' });
    expect(manager.entries.require(entry.entryId).data.host).toBe('10.0.0.7');
    expect(reloads).toContain(entry.entryId);
    expect(manager.entries.list()).toHaveLength(1);
  });

  it('two setups of one device at once: the first to finish wins, the other aborts already_configured', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const client: HelloClient = {
      async connect(host) {
        if (host === 'slow') await gate;
        return { deviceId: 'same-device', name: 'Hello' };
      },
    };
    const { manager } = await setUp(client);
    const a = await manager.init('hello');
    const b = await manager.init('hello');
    const first = manager.configure(a.flowId, { host: 'slow', apiToken: 'hello-1' });
    const second = await manager.configure(b.flowId, { host: 'fast', apiToken: 'hello-1' });
    expect(second.type).toBe('create_entry');
    release();
    expect(await first).toMatchObject({ type: 'abort', reason: 'already_configured' });
    expect(manager.entries.list()).toHaveLength(1);
  });
});

describe('hello: reauth, reconfigure, options', () => {
  it('reauth is pre-filled without secrets, names the entry, updates the token and reloads', async () => {
    const { client } = fakeClient();
    const { manager, reloads } = await setUp(client);
    const entry = await addEntry(manager);
    const form = await manager.init('hello', { source: 'reauth', entryId: entry.entryId });
    expect(form).toMatchObject({
      type: 'form',
      stepId: 'reauth_confirm',
      descriptionPlaceholders: { name: entry.title },
    });
    const field = (form.form as { fields: { name: string; suggested?: unknown; hasValue?: boolean }[] })
      .fields[0]!;
    expect(field).toMatchObject({ name: 'apiToken', hasValue: true });
    expect(field.suggested).toBeUndefined();
    expect(JSON.stringify(form)).not.toContain('hello-1');
    const done = await manager.configure(form.flowId, { apiToken: 'hello-new' });
    expect(done).toMatchObject({ type: 'abort', reason: 'reauth_successful' });
    expect(manager.entries.require(entry.entryId).data.apiToken).toBe('hello-new');
    expect(reloads).toEqual([entry.entryId, entry.entryId]);
  });

  it('reauth with another account aborts wrong_account and leaves the entry untouched', async () => {
    const { client, state } = fakeClient();
    const { manager } = await setUp(client);
    const entry = await addEntry(manager);
    state.devices.set('hello-other', 'someone-elses-device');
    const { flowId } = await manager.init('hello', { source: 'reauth', entryId: entry.entryId });
    expect(await manager.configure(flowId, { apiToken: 'hello-other' })).toMatchObject({
      type: 'abort',
      reason: 'wrong_account',
    });
    expect(manager.entries.require(entry.entryId)).toEqual(entry);
  });

  it('a reauth flow does not block a user flow for the same unique id (reauth does not count)', async () => {
    const { client } = fakeClient();
    const { manager } = await setUp(client);
    const entry = await addEntry(manager);
    await manager.init('hello', { source: 'reauth', entryId: entry.entryId });
    const { flowId } = await manager.init('hello');
    expect(await manager.configure(flowId, { host: 'kitchen.local', apiToken: 'hello-1' })).toMatchObject({
      reason: 'already_configured',
    });
  });

  it('reconfigure changes the host, pre-filled from the entry', async () => {
    const { client, state } = fakeClient();
    const { manager } = await setUp(client);
    const entry = await addEntry(manager);
    const form = await manager.init('hello', { source: 'reconfigure', entryId: entry.entryId });
    const fields = (form.form as { fields: { name: string; suggested?: unknown }[] }).fields;
    expect(fields[0]).toMatchObject({ name: 'host', suggested: 'kitchen.local' });
    state.devices.set('hello-1', 'dev-kitchen.local');
    expect(await manager.configure(form.flowId, { host: '10.0.0.9' })).toMatchObject({
      type: 'abort',
      reason: 'reconfigure_successful',
    });
    expect(manager.entries.require(entry.entryId).data).toEqual({ host: '10.0.0.9', apiToken: 'hello-1' });
  });

  it('options flow replaces the options and reloads the entry', async () => {
    const { client } = fakeClient();
    const { manager, reloads } = await setUp(client);
    const entry = await addEntry(manager);
    const form: FlowResult = await manager.init('hello', { source: 'options', entryId: entry.entryId });
    expect(form).toMatchObject({ type: 'form', stepId: 'init' });
    await expect(manager.configure(form.flowId, { scanInterval: 5 })).rejects.toMatchObject({
      errors: { scanInterval: expect.any(String) },
    });
    const done = await manager.configure(form.flowId, { scanInterval: 120 });
    expect(done.type).toBe('create_entry');
    expect(manager.entries.require(entry.entryId).options).toEqual({ scanInterval: 120, greeting: 'Hello' });
    expect(reloads.at(-1)).toBe(entry.entryId);
  });
});
