import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AuthFailed,
  EntryError,
  EntryNotReady,
  EntryRuntime,
  FlowManager,
  RateLimited,
} from '@configflow/core';
import { describe, expect, it } from 'vitest';
import { ApiChanged, StillUnauthorized, VehicleNotAuthorized } from '../src/index.ts';
import {
  addFault,
  addVehicle,
  createAccount,
  eventually,
  refreshes,
  setupContext,
  setupWorld,
  VIN_A,
  VIN_B,
} from './helpers.ts';

const USER = 'driver@example.com';

async function loaded(opts: Parameters<typeof setupWorld>[0] = {}) {
  const w = await setupWorld(opts);
  const account = await createAccount(w.sim, USER, [VIN_A, VIN_B]);
  const manager = new FlowManager({ flows: [w.integration.flow], clock: w.clock, idleTimeoutMs: 0 });
  const entry = manager.entries.get(await addVehicle(manager, w.sim, USER, VIN_A))!;
  const ctx = setupContext(w.clock);
  const runtime = { ...(await w.integration.setup(entry, ctx)), primed: false };
  const tokenFile = join(w.storageDir, 'fordpass', `${account.subject}.json`);
  const poll = () => w.integration.poll!(entry, runtime, ctx);
  const statusCalls = () => w.sim.state.stats().routes.status ?? 0;
  return { ...w, manager, entry, runtime, ctx, poll, tokenFile, statusCalls };
}

describe('data-plane errors never become a reauth', () => {
  it('transient 401 on a data call: one refresh and one retry, then the data (no AuthFailed)', async () => {
    const { sim, poll } = await loaded();
    await addFault(sim, { route: 'status', status: 401, body: { error: 'UNAUTHORIZED' }, times: 1 });
    const data = (await poll()) as { odometer: number };
    expect(data.odometer).toBeGreaterThan(0);
    expect(await refreshes(sim, USER)).toBe(1);
  });

  it('a data 401 still there after the refresh is EntryNotReady, and the tokens are kept', async () => {
    const { sim, poll, tokenFile } = await loaded();
    await addFault(sim, { route: 'status', status: 401, times: 2 });
    const error = await poll().catch((e) => e);
    expect(error).toBeInstanceOf(EntryNotReady);
    expect(error).toBeInstanceOf(StillUnauthorized);
    expect(error).not.toBeInstanceOf(AuthFailed);
    // Exactly one refresh for the two 401s, its pair saved, and the next poll works with it.
    expect(await refreshes(sim, USER)).toBe(1);
    const saved = JSON.parse(await readFile(tokenFile, 'utf8'));
    await expect(poll()).resolves.toBeTruthy();
    expect(JSON.parse(await readFile(tokenFile, 'utf8')).catRefreshToken).toBe(saved.catRefreshToken);
  });

  it('5xx, timeouts and connection resets are EntryNotReady and keep the tokens', async () => {
    const { sim, clock, poll, tokenFile } = await loaded({ integration: { requestTimeoutMs: 300 } });
    const before = await readFile(tokenFile, 'utf8');
    await addFault(sim, { route: 'status', status: 503, times: 1 });
    await expect(poll()).rejects.toBeInstanceOf(EntryNotReady);
    await addFault(sim, { route: 'status', status: 'reset', times: 1 });
    await expect(poll()).rejects.toBeInstanceOf(EntryNotReady);
    await addFault(sim, { route: 'status', delayMs: 1500, times: 1 });
    const timeout = await poll().catch((e) => e);
    expect(timeout).toBeInstanceOf(EntryNotReady);
    expect(String(timeout.message)).toMatch(/timed out/);
    // A 5xx on the refresh itself: still not a reauth, and the stored pair is untouched.
    clock.advance(1800_000);
    await addFault(sim, { route: 'refresh', status: 502, times: 1 });
    const refreshOutage = await poll().catch((e) => e);
    expect(refreshOutage).toBeInstanceOf(EntryNotReady);
    expect(await readFile(tokenFile, 'utf8')).toBe(before);
    await expect(poll()).resolves.toBeTruthy();
  });

  it('429 with Retry-After → RateLimited(retryAfterMs); the account budget waits it out, no request sent', async () => {
    const { sim, clock, poll, statusCalls, integration, manager, ctx } = await loaded();
    const other = manager.entries.get(await addVehicle(manager, sim, USER, VIN_B))!;
    await addFault(sim, { route: 'status', status: 429, headers: { 'Retry-After': '120' }, times: 1 });
    const error = await poll().catch((e) => e);
    expect(error).toBeInstanceOf(RateLimited);
    expect(error.retryAfterMs).toBe(120_000);
    const calls = statusCalls();
    // The other vehicle of the account holds off too: nothing goes out until Retry-After has passed.
    const held = await integration.setup(other, ctx).catch((e) => e);
    expect(held).toBeInstanceOf(RateLimited);
    expect(held.retryAfterMs).toBeLessThanOrEqual(120_000);
    const again = await poll().catch((e) => e);
    expect(again).toBeInstanceOf(RateLimited);
    expect(statusCalls()).toBe(calls);
    clock.advance(120_000);
    await expect(poll()).resolves.toBeTruthy();
  });

  it('429 without Retry-After → RateLimited without retryAfterMs (the runtime backs off), tokens kept', async () => {
    const { sim, poll, tokenFile } = await loaded();
    const before = await readFile(tokenFile, 'utf8');
    await addFault(sim, { route: 'status', status: 429, times: 1 });
    const error = await poll().catch((e) => e);
    expect(error).toBeInstanceOf(RateLimited);
    expect(error.retryAfterMs).toBeUndefined();
    expect(await readFile(tokenFile, 'utf8')).toBe(before);
    await expect(poll()).resolves.toBeTruthy();
  });

  it('403 NOT AUTHORIZED → EntryError vehicle_not_authorized, not a reauth', async () => {
    const { sim, poll } = await loaded();
    sim.control.removeVehicle(USER, VIN_A);
    const error = await poll().catch((e) => e);
    expect(error).toBeInstanceOf(EntryError);
    expect(error).toBeInstanceOf(VehicleNotAuthorized);
    expect(error.reason).toBe('vehicle_not_authorized');
    expect(error).not.toBeInstanceOf(AuthFailed);
  });

  it('Ford changing a response shape is ApiChanged (EntryError api_changed), not a reauth', async () => {
    const { sim, poll } = await loaded();
    await addFault(sim, {
      route: 'status',
      status: 200,
      body: { metrics: { odometer: { value: 'far' } } },
      times: 1,
    });
    const error = await poll().catch((e) => e);
    expect(error).toBeInstanceOf(ApiChanged);
    expect(error).toBeInstanceOf(EntryError);
    expect(error.reason).toBe('api_changed');
    expect(error.message).toMatch(/odometer/);
    await addFault(sim, { route: 'status', status: 200, body: '<html>maintenance</html>', times: 1 });
    await expect(poll()).rejects.toMatchObject({ reason: 'api_changed' });
  });

  it('with the entry runtime, transient 401s and 5xx leave the entry loaded and start no reauth', async () => {
    const w = await setupWorld();
    await createAccount(w.sim, USER, [VIN_A]);
    const manager = new FlowManager({ flows: [w.integration.flow], clock: w.clock, idleTimeoutMs: 0 });
    const runtime = new EntryRuntime({
      manager,
      integrations: [w.integration],
      clock: w.clock,
      random: () => 0,
    });
    const entryId = await addVehicle(manager, w.sim, USER, VIN_A);
    await eventually(() => runtime.status(entryId).availability === 'fresh', 'the new entry to load');
    expect(runtime.status(entryId)).toMatchObject({ state: 'loaded', availability: 'fresh' });

    await addFault(w.sim, { route: 'status', status: 401, times: 2 });
    await addFault(w.sim, { route: 'status', status: 500, times: 2 });
    for (let i = 0; i < 4; i++) {
      w.clock.advance(900_000);
      await runtime.idle();
    }
    expect(manager.list({ source: 'reauth' })).toHaveLength(0);
    expect(manager.entries.get(entryId)!.state).toBe('loaded');
    w.clock.advance(900_000);
    await runtime.idle();
    expect(runtime.status(entryId).availability).toBe('fresh');
    await runtime.stop();
  });
});

describe('long-lived signals', () => {
  it('a request leaves no listener on the caller signal (an entry polls with one signal for months)', async () => {
    const { FordClient, findRegion, resolveBaseUrls } = await import('../src/index.ts');
    const seen: AbortSignal[] = [];
    const client = new FordClient({
      urls: resolveBaseUrls({}),
      fetch: async (_url: string | URL | Request, init?: RequestInit) => {
        seen.push(init!.signal!);
        return new Response('{}', { status: 200 });
      },
    });
    const entrySignal = new AbortController().signal;
    let added = 0;
    let removed = 0;
    const add = entrySignal.addEventListener.bind(entrySignal);
    const remove = entrySignal.removeEventListener.bind(entrySignal);
    entrySignal.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => {
      added++;
      add(...args);
    }) as AbortSignal['addEventListener'];
    entrySignal.removeEventListener = ((...args: Parameters<AbortSignal['removeEventListener']>) => {
      removed++;
      remove(...args);
    }) as AbortSignal['removeEventListener'];
    for (let i = 0; i < 20; i++) {
      await client.vehicles(findRegion('deu')!, 'cat-token', { signal: entrySignal }).catch(() => {});
    }
    expect(seen).toHaveLength(20);
    expect(seen.every((s) => s !== entrySignal)).toBe(true);
    // Whatever a request registers on the caller's signal, it takes away again.
    expect(removed).toBe(added);
  });
});
