import { FlowManager, RateLimited } from '@configflow/core';
import { describe, expect, it } from 'vitest';
import { commandDelayMs, DEFAULT_COMMAND_BACKOFF, VehicleCoordinator } from '../src/index.ts';
import {
  addFault,
  addVehicle,
  createAccount,
  drive,
  eventually,
  START,
  setupContext,
  setupWorld,
  VIN_A,
  VIN_B,
} from './helpers.ts';

const USER = 'driver@example.com';
const DAY_MS = 86_400_000;

async function twoLoaded(opts: Parameters<typeof setupWorld>[0] = {}) {
  const w = await setupWorld(opts);
  await createAccount(w.sim, USER, [VIN_A, VIN_B]);
  const manager = new FlowManager({ flows: [w.integration.flow], clock: w.clock, idleTimeoutMs: 0 });
  const a = manager.entries.get(await addVehicle(manager, w.sim, USER, VIN_A))!;
  const b = manager.entries.get(await addVehicle(manager, w.sim, USER, VIN_B))!;
  const ctx = setupContext(w.clock);
  const ra = await w.integration.setup(a, ctx);
  const rb = await w.integration.setup(b, ctx);
  return { ...w, manager, a, b, ra, rb, ctx };
}

describe('request budget', () => {
  it('the account budget is shared by its vehicles and never exceeded: polls wait for the next day instead', async () => {
    const { sim, clock, integration, a, b, ra, rb, ctx } = await twoLoaded({
      integration: { requestsPerDay: 12 },
    });
    const budget = ra.session.budget;
    expect(rb.session.budget).toBe(budget);
    const usedBefore = budget.snapshot().used;
    const simBefore = sim.state.stats().accounts[USER]!.requests;
    const refused: { wait: number; at: number }[] = [];
    for (let i = 0; i < 20; i++) {
      for (const [entry, rt] of [
        [a, ra],
        [b, rb],
      ] as const) {
        try {
          await integration.poll!(entry, { ...rt, primed: false }, ctx);
        } catch (error) {
          expect(error).toBeInstanceOf(RateLimited);
          refused.push({ wait: (error as RateLimited).retryAfterMs!, at: clock.now() });
        }
      }
      clock.advance(60_000);
    }
    expect(budget.snapshot().used).toBe(12);
    // What Ford saw is exactly what the budget let through, and Ford never had to say 429.
    expect(sim.state.stats().accounts[USER]!.requests - simBefore).toBe(12 - usedBefore);
    expect(sim.state.stats().rateLimited).toBe(0);
    // Refusals say how long to wait: until the next UTC day.
    expect(refused.length).toBeGreaterThan(0);
    const last = refused.at(-1)!;
    expect(last.wait).toBe((Math.floor(last.at / DAY_MS) + 1) * DAY_MS - last.at);

    clock.advance(last.wait);
    await expect(integration.poll!(a, { ...ra, primed: false }, ctx)).resolves.toBeTruthy();
    expect(Math.floor(clock.now() / DAY_MS)).toBe(Math.floor((START * 1000) / DAY_MS) + 1);
  });
});

describe('commands', () => {
  it('tracks a command to completion via states[<type>Command].value.toState, polling paused meanwhile', async () => {
    const { sim, clock, integration, a, ra, ctx } = await twoLoaded();
    expect(ra.coordinator.state?.lock).toBe('LOCKED');
    const startedAt = clock.now();
    const pending = ra.coordinator.command('unlock');
    await eventually(
      () => typeof ra.coordinator.tracking?.commandId === 'string',
      'the command to be accepted',
    );

    // A poll while the command is tracked sends nothing: the tracker reads the status anyway.
    const statusCalls = sim.state.stats().routes.status ?? 0;
    const during = (await integration.poll!(a, { ...ra, primed: false }, ctx)) as { lock: string };
    expect(during.lock).toBe('LOCKED');
    expect(sim.state.stats().routes.status ?? 0).toBe(statusCalls);

    const outcome = await drive(clock, pending);
    // The simulator finishes commands after 10 s: reads at 2 s, 7 s (pending), 17 s (done).
    expect(outcome).toMatchObject({ type: 'unlock', result: 'success', toState: 'SUCCESS', checks: 3 });
    expect(clock.now() - startedAt).toBe(commandDelayMs(0) + commandDelayMs(1) + commandDelayMs(2));
    expect(ra.coordinator.tracking).toBeUndefined();
    expect(ra.coordinator.state?.lock).toBe('UNLOCKED');
    const after = (await integration.poll!(a, { ...ra, primed: false }, ctx)) as { lock: string };
    expect(after.lock).toBe('UNLOCKED');
  });

  it('a command failing on the device reports its OEM error code', async () => {
    const { sim, clock, ra } = await twoLoaded();
    sim.control.updateVehicle(VIN_A, { commandResult: 'COMMAND_FAILED_ON_DEVICE' });
    const outcome = await drive(clock, ra.coordinator.command('lock'));
    expect(outcome).toMatchObject({
      result: 'failed',
      toState: 'COMMAND_FAILED_ON_DEVICE',
      oemErrorCode: 'SIM_DEVICE_FAILURE',
    });
  });

  it('a command the car never answers ends at its expireTime: the last read is moved to it, none after', async () => {
    const { sim, clock, ra } = await twoLoaded();
    sim.control.updateVehicle(VIN_A, { commandSeconds: 86_400 });
    const startedAt = clock.now();
    const reads = sim.state.stats().routes.status ?? 0;
    const outcome = await drive(clock, ra.coordinator.command('remoteStart'));
    // Reads at 2, 7, 17, 37, 67 s (pending), then at expireTime (90 s), where Ford says EXPIRED.
    expect(outcome).toMatchObject({ result: 'expired', toState: 'EXPIRED', checks: 6 });
    expect(clock.now() - startedAt).toBe(90_000);
    expect((sim.state.stats().routes.status ?? 0) - reads).toBe(6);
  });

  it('a command that never finishes, with no expireTime in reach, stops after the capped backoff', async () => {
    const { sim, clock, ra } = await twoLoaded({ sim: { commandExpireSeconds: 86_400 } });
    sim.control.updateVehicle(VIN_A, { commandSeconds: 86_400 });
    const startedAt = clock.now();
    const outcome = await drive(clock, ra.coordinator.command('remoteStart'));
    expect(outcome).toMatchObject({ result: 'timeout', checks: DEFAULT_COMMAND_BACKOFF.maxChecks });
    const delays = Array.from({ length: DEFAULT_COMMAND_BACKOFF.maxChecks }, (_, i) => commandDelayMs(i));
    expect(Math.max(...delays)).toBe(DEFAULT_COMMAND_BACKOFF.capMs);
    expect(clock.now() - startedAt).toBe(delays.reduce((x, y) => x + y, 0));
  });

  it('lower-case states (success) complete a command too', async () => {
    const { sim, clock, ra } = await twoLoaded();
    sim.control.updateVehicle(VIN_A, { stateCase: 'lower' });
    const outcome = await drive(clock, ra.coordinator.command('unlock'));
    expect(outcome).toMatchObject({ result: 'success', toState: 'success', checks: 3 });
    expect(ra.coordinator.state?.lock).toBe('UNLOCKED');
  });
});

describe('vehicle state', () => {
  it("entities' data is a typed state parsed from the metrics envelope, in the user's units", async () => {
    const { sim, manager, integration, a, b, ra, rb, ctx } = await twoLoaded();
    sim.control.updateVehicle(VIN_A, { tirePressureKpa: 241, odometerKm: 16_093.44 });
    await manager.entries.update(a.entryId, {
      options: { pollInterval: 900, pressureUnit: 'PSI', distanceUnit: 'mi' },
    });
    const ice = (await integration.poll!(
      manager.entries.get(a.entryId)!,
      { ...ra, primed: false },
      ctx,
    )) as any;
    expect(ice).toMatchObject({
      units: { pressure: 'PSI', distance: 'mi' },
      odometer: 10_000,
      lock: 'LOCKED',
      tyres: { FRONT_LEFT: 35, REAR_RIGHT: 35 },
      location: { lat: 42.3006, lon: -83.2313 },
      battery: null,
    });
    expect(ice.fuel.levelPercent).toBe(72.5);
    // The Mach-E reports its traction battery and no fuel; tyres in kPa by default.
    const ev = (await integration.poll!(b, { ...rb, primed: false }, ctx)) as any;
    expect(ev).toMatchObject({
      fuel: null,
      battery: { stateOfChargePercent: 80, range: 350 },
      tyres: { FRONT_LEFT: 241 },
    });
  });

  it('the standalone coordinator polls on its interval and backs off after a failure', async () => {
    const { sim, clock, ra, integration } = await twoLoaded();
    const coordinator = new VehicleCoordinator({
      vin: VIN_A,
      session: ra.session,
      client: integration.client,
      clock,
      intervalMs: 900_000,
    });
    const events: string[] = [];
    coordinator.subscribe((e) => events.push(e.type));
    coordinator.start();
    const status = () => sim.state.stats().routes.status ?? 0;
    const before = status();
    clock.advance(0);
    await eventually(() => status() === before + 1, 'the first poll');
    await eventually(() => clock.pending()[0] === 900_000, 'the next poll scheduled');
    await addFault(sim, { route: 'status', status: 503, times: 1 });
    clock.advance(900_000);
    await eventually(() => events.includes('failed'), 'the failure');
    await eventually(() => clock.pending()[0] === 60_000, 'the backoff');
    coordinator.stop();
    expect(clock.pending()).toEqual([]);
  });
});
