import { createFlowHarness } from '@configflow/testing';
import { describe, expect, it } from 'vitest';
import { CannotConnect, createHelloIntegration, type HelloClient, InvalidAuth } from '../src/index.ts';

/** A device double: `fail` fails every call; `next` fails the next calls, one error each. */
function device() {
  const state = { fail: undefined as Error | undefined, next: [] as Error[] };
  const client: HelloClient = {
    async connect(host) {
      const error = state.next.shift() ?? state.fail;
      if (error) throw error;
      return { deviceId: `dev-${host}`, name: `Hello ${host}` };
    },
  };
  return { client, state };
}

function harness() {
  const double = device();
  const integration = createHelloIntegration(double.client);
  const h = createFlowHarness({ flows: [integration.flow], integrations: [integration] });
  return { h, double };
}

async function addEntry(h: ReturnType<typeof harness>['h']) {
  const { flowId } = await h.init('hello');
  const done = await h.configure(flowId, { host: 'kitchen.local', apiToken: 'hello-1' });
  expect(done).toMatchObject({ type: 'create_entry', title: 'Hello kitchen.local' });
  await h.idle();
  return h.entry(done.entry!.entryId);
}

describe('hello integration (the starter written by "configflow init")', () => {
  it('creates an entry and sets it up', async () => {
    const { h } = harness();
    const entry = await addEntry(h);
    expect(entry).toMatchObject({
      state: 'loaded',
      uniqueId: 'dev-kitchen.local',
      data: { host: 'kitchen.local' },
    });
    await h.stop();
  });

  it('a device that does not answer is retried (setup_retry), never a reauth', async () => {
    const { h, double } = harness();
    const { flowId } = await h.init('hello');
    // The flow's own check passes; the two setups after it find the device gone.
    const gone = new CannotConnect('kitchen.local does not answer');
    const check = double.client.connect;
    double.client.connect = async (host, token) => {
      const device = await check(host, token);
      double.client.connect = check;
      double.state.next.push(gone, gone);
      return device;
    };
    const done = await h.configure(flowId, { host: 'kitchen.local', apiToken: 'hello-1' });
    await h.idle();
    expect(h.entry(done.entry!.entryId).state).toBe('setup_retry');
    await h.clock.advance(5_500);
    await h.idle();
    expect(h.entry(done.entry!.entryId).state).toBe('setup_retry');
    expect(h.flows().filter((f) => f.source === 'reauth')).toEqual([]);
    await h.clock.advance(11_000);
    await h.idle();
    expect(h.entry(done.entry!.entryId).state).toBe('loaded');
    await h.stop();
  });

  it('a rejected token asks for a new one: one reauth flow, and the entry loads again after it', async () => {
    const { h, double } = harness();
    const entry = await addEntry(h);
    double.state.fail = new InvalidAuth('token rejected');
    await h.clock.advance(60_000); // the next poll
    await h.idle();
    await h.clock.advance(60_000); // polls after it must not open a second flow
    await h.idle();
    const reauths = h.flows().filter((f) => f.source === 'reauth');
    expect(reauths).toHaveLength(1);
    double.state.fail = undefined;
    const shown = await h.configure(reauths[0]!.flowId);
    expect(shown).toMatchObject({ type: 'form', stepId: 'reauth_confirm' });
    expect(await h.configure(shown.flowId, { apiToken: 'hello-2' })).toMatchObject({
      reason: 'reauth_successful',
    });
    await h.idle();
    expect(h.entry(entry)).toMatchObject({ state: 'loaded', data: { apiToken: 'hello-2' } });
    await h.stop();
  });
});
