import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EntryRuntime, FlowManager } from '@configflow/core';
import { describe, expect, it } from 'vitest';
import {
  addFault,
  addVehicle,
  browserSignIn,
  challengeOf,
  createAccount,
  eventually,
  setupWorld,
  VIN_A,
  VIN_B,
  VIN_C,
} from './helpers.ts';

const USER = 'family@example.com';
const STRANGER = 'neighbour@example.com';

/** Two vehicles of one account, loaded by the entry runtime, then the account's tokens revoked. */
async function signedOut() {
  const w = await setupWorld();
  const account = await createAccount(w.sim, USER, [VIN_A, VIN_B]);
  await createAccount(w.sim, STRANGER, [VIN_C]);
  const manager = new FlowManager({ flows: [w.integration.flow], clock: w.clock, idleTimeoutMs: 0 });
  const runtime = new EntryRuntime({
    manager,
    integrations: [w.integration],
    clock: w.clock,
    random: () => 0,
  });
  const a = await addVehicle(manager, w.sim, USER, VIN_A);
  const b = await addVehicle(manager, w.sim, USER, VIN_B);
  await eventually(
    () => runtime.status(a).availability === 'fresh' && runtime.status(b).availability === 'fresh',
    'both entries loaded',
  );
  w.sim.control.revoke(USER);
  w.clock.advance(1800_000);
  await runtime.idle();
  const flows = manager.list({ source: 'reauth' });
  expect(flows).toHaveLength(1);
  const tokenFile = join(w.storageDir, 'fordpass', `${account.subject}.json`);
  return { ...w, manager, runtime, a, b, flowId: flows[0]!.flowId, tokenFile };
}

/** reauth_confirm (keeping the region) → the paste step. */
async function toReauthToken(manager: FlowManager, flowId: string) {
  const confirm = await manager.configure(flowId);
  expect(confirm).toMatchObject({ type: 'form', stepId: 'reauth_confirm' });
  expect(confirm.descriptionPlaceholders).toMatchObject({ region: 'Germany' });
  const token = await manager.configure(flowId, { region: 'deu' });
  expect(token).toMatchObject({ type: 'external', stepId: 'reauth_token' });
  return token;
}

describe('reauth', () => {
  it('same account and VIN: tokens replaced, every entry of the account reloaded, reauth_successful', async () => {
    const { sim, manager, runtime, a, b, flowId, tokenFile } = await signedOut();
    const before = await readFile(tokenFile, 'utf8');
    const token = await toReauthToken(manager, flowId);
    // A mistake first: the error re-display keeps the flow's PKCE challenge.
    const bad = await manager.configure(flowId, { url: 'fordapp://userauthorized/?code=a.b' });
    expect(bad).toMatchObject({ errors: { url: 'code_truncated' } });
    expect(challengeOf(bad)).toBe(challengeOf(token));

    const done = await manager.configure(flowId, { url: await browserSignIn(sim, token.url!, USER) });
    expect(done).toMatchObject({ type: 'abort', reason: 'reauth_successful' });
    await runtime.idle();
    expect(await readFile(tokenFile, 'utf8')).not.toBe(before);
    expect(manager.entries.get(a)!.state).toBe('loaded');
    expect(manager.entries.get(b)!.state).toBe('loaded');
    expect(runtime.status(a).availability).toBe('fresh');
    expect(runtime.status(b).availability).toBe('fresh');
    await runtime.stop();
  });

  it('reauth with another account → wrong_account, entry and token store unchanged', async () => {
    const { sim, manager, runtime, a, flowId, tokenFile } = await signedOut();
    const entryBefore = structuredClone(manager.entries.get(a)!);
    const tokensBefore = await readFile(tokenFile, 'utf8');
    const token = await toReauthToken(manager, flowId);
    const result = await manager.configure(flowId, { url: await browserSignIn(sim, token.url!, STRANGER) });
    expect(result).toMatchObject({ type: 'abort', reason: 'wrong_account' });
    await runtime.idle();
    const entryAfter = manager.entries.get(a)!;
    expect(entryAfter.data).toEqual(entryBefore.data);
    expect(entryAfter.modifiedAt).toBe(entryBefore.modifiedAt);
    expect(entryAfter.state).toBe('setup_error');
    expect(await readFile(tokenFile, 'utf8')).toBe(tokensBefore);
    await runtime.stop();
  });

  it('reauth when the vehicle left the account → vehicle_not_on_account, tokens not replaced', async () => {
    const { sim, manager, runtime, flowId, tokenFile } = await signedOut();
    const tokensBefore = await readFile(tokenFile, 'utf8');
    const [flow] = manager.list({ source: 'reauth' });
    const vin = String(manager.entries.get(flow!.entryId!)!.data.vin);
    sim.control.removeVehicle(USER, vin);
    const token = await toReauthToken(manager, flowId);
    const result = await manager.configure(flowId, { url: await browserSignIn(sim, token.url!, USER) });
    expect(result).toMatchObject({ type: 'abort', reason: 'vehicle_not_on_account' });
    expect(await readFile(tokenFile, 'utf8')).toBe(tokensBefore);
    await runtime.stop();
  });

  it('outage during the reauth reload: reauth_successful, tokens kept, entries come back when Ford does', async () => {
    const { sim, clock, manager, runtime, a, b, flowId, tokenFile } = await signedOut();
    const token = await toReauthToken(manager, flowId);
    const pasted = await browserSignIn(sim, token.url!, USER);
    // Ford's data plane goes down right after the sign-in: every reload's first read fails.
    await addFault(sim, { route: 'status', status: 503 });
    const done = await manager.configure(flowId, { url: pasted });
    expect(done).toMatchObject({ type: 'abort', reason: 'reauth_successful' });
    await runtime.idle();
    const saved = await readFile(tokenFile, 'utf8');
    expect(manager.entries.get(a)!.state).toBe('setup_retry');
    expect(manager.entries.get(b)!.state).toBe('setup_retry');
    // Retrying setup never turns into a second reauth.
    clock.advance(120_000);
    await runtime.idle();
    expect(manager.list({ source: 'reauth' })).toHaveLength(0);
    expect(manager.entries.get(a)!.state).toBe('setup_retry');

    sim.control.clearFaults();
    clock.advance(120_000);
    await runtime.idle();
    expect(manager.entries.get(a)!.state).toBe('loaded');
    expect(manager.entries.get(b)!.state).toBe('loaded');
    // The pair saved at the sign-in is the one in use (no further sign-in was needed).
    expect(JSON.parse(await readFile(tokenFile, 'utf8')).accountId).toBe(JSON.parse(saved).accountId);
    expect(manager.list({ source: 'reauth' })).toHaveLength(0);
    await runtime.stop();
  });
});
