import { defineConfigFlow } from '@configflow/core';
import { createHelloFlow } from '@configflow/example-hello';
import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { describe, expect, it } from 'vitest';
import { createActor, type InspectionEvent, toPromise } from 'xstate';
import { z } from 'zod';
import { createKitchenFlow } from '../../core/test/flows.ts';
import {
  createRedactor,
  createSanitizedInspector,
  flowSecretKeys,
  inspectFlow,
  REDACTED,
  type SanitizedInspectionEvent,
} from '../src/index.ts';

const TOKEN = 'hello-s3cr3t-token-value';

/** Runs the hello flow's user step outside a manager (its default actors use a detached host). */
async function runHello(inspect: (e: InspectionEvent) => void) {
  const flow = createHelloFlow();
  const actor = createActor(flow.machine, { inspect, input: { flowId: 'x', source: 'user', ctx: {} } });
  actor.start();
  actor.send({ type: 'SUBMIT', input: { host: 'lamp.local', apiToken: TOKEN } });
  return toPromise(actor);
}

describe('createRedactor', () => {
  it('redacts secret-like keys at any depth and scrubs their values from other strings', () => {
    const redact = createRedactor(['pin']);
    expect(
      redact({
        a: { password: 'pw-1234', nested: [{ refresh_token: 'r-1234' }] },
        apiToken: 'tok-1234',
        clientSecret: 'cs-1234',
        code_verifier: 'v-12345',
        pin: '9999',
        url: 'https://x.invalid/?v=v-12345',
        error: new Error('rejected tok-1234'),
        keep: 'visible',
      }),
    ).toEqual({
      a: { password: REDACTED, nested: [{ refresh_token: REDACTED }] },
      apiToken: REDACTED,
      clientSecret: REDACTED,
      code_verifier: REDACTED,
      pin: REDACTED,
      url: `https://x.invalid/?v=${REDACTED}`,
      error: { name: 'Error', message: `rejected ${REDACTED}` },
      keep: 'visible',
    });
  });

  it('copies cycles and drops functions', () => {
    const a: Record<string, unknown> = { f: () => 1 };
    a.self = a;
    expect(createRedactor()(a)).toEqual({ self: '[circular]' });
  });
});

describe('live inspection', () => {
  it('forwards hello flow inspection events without the submitted token', async () => {
    const sent: SanitizedInspectionEvent[] = [];
    const output = await runHello(createSanitizedInspector({ send: (e) => sent.push(e) }));
    // The run itself carries the token (the entry data); what is forwarded does not.
    expect(output).toMatchObject({ type: 'create_entry', data: { host: 'lamp.local', apiToken: TOKEN } });
    const all = JSON.stringify(sent);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('s3cr3t');
    const submit = sent.find(
      (e) => e.type === '@xstate.event' && (e.event as { type: string }).type === 'SUBMIT',
    );
    expect(submit?.event).toEqual({ type: 'SUBMIT', input: { host: 'lamp.local', apiToken: REDACTED } });
    expect(sent.some((e) => e.type === '@xstate.snapshot')).toBe(true);
  });

  it('works with a real @statelyai/inspect inspector', async () => {
    const received: StatelyInspectionEvent[] = [];
    const inspector = createInspector({ send: (e) => received.push(e) });
    const { inspect } = inspectFlow(createHelloFlow(), { inspector });
    await runHello(inspect);
    const types = new Set(received.map((e) => e.type));
    expect([...types].sort()).toEqual(['@xstate.actor', '@xstate.event', '@xstate.snapshot']);
    expect(received.find((e) => e.type === '@xstate.actor')?.definition).toContain('"id":"hello"');
    expect(JSON.stringify(received)).not.toContain(TOKEN);
  });

  it('redacts a flow’s own secret fields even when their names look harmless', async () => {
    expect(flowSecretKeys(createKitchenFlow())).toEqual(['password']);
    expect(flowSecretKeys(createHelloFlow())).toEqual(['apiToken']);
    const flow = createPinFlow();
    expect(flowSecretKeys(flow)).toEqual(['pin']);
    const sent: SanitizedInspectionEvent[] = [];
    const { inspect } = inspectFlow(flow, {
      inspector: { actor() {}, event() {}, snapshot() {} },
      send: (e) => sent.push(e),
    });
    const actor = createActor(flow.machine, { inspect, input: { flowId: 'p', source: 'user', ctx: {} } });
    actor.start();
    actor.send({ type: 'SUBMIT', input: { pin: '4321-9876' } });
    expect(await toPromise(actor)).toMatchObject({ type: 'create_entry', data: { pin: '4321-9876' } });
    const all = JSON.stringify(sent);
    expect(all).not.toContain('4321-9876');
    expect(all).toContain(`"pin":"${REDACTED}"`);
    // Actions are forwarded by type; live actor refs in their params are named, not serialised.
    expect(sent.some((e) => e.type === '@xstate.action')).toBe(true);
    expect(all.length).toBeLessThan(20_000);
  });
});

function createPinFlow() {
  return defineConfigFlow({
    domain: 'pin',
    sources: { user: 'user' },
    steps: ({ form }) => ({
      user: form({
        schema: z.object({ pin: z.string().min(4).meta({ secret: true }) }),
        next: ['create_entry'],
        submit: ({ pin }, flow) => flow.createEntry({ title: 'Pin', data: { pin } }),
      }),
    }),
  });
}
