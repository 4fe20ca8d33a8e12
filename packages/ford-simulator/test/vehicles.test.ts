import { describe, expect, it } from 'vitest';
import {
  autonomic,
  call,
  cat,
  command,
  createAccount,
  EV_VIN,
  exchange,
  scriptedLogin,
  signedIn,
  startSim,
  status,
  VIN,
  vehicles,
} from './helpers.ts';

describe('vehicles, status and commands', () => {
  it('runs the whole chain from account to a completed command', async () => {
    const sim = await startSim({ commandSeconds: 10 });
    const account = await createAccount(sim);
    expect(account.subject).toMatch(/^[0-9a-f-]{36}$/);
    const { code, verifier } = await scriptedLogin(sim);
    const b2c = await exchange(sim, code, verifier);
    expect(b2c.status).toBe(200);
    const catPair = await cat(sim, b2c.body.access_token);
    expect(catPair.status).toBe(200);
    const auto = await autonomic(sim, catPair.body.access_token);
    expect(auto.status).toBe(200);

    const garage = await vehicles(sim, catPair.body.access_token);
    expect(garage.status).toBe(200);
    expect(garage.body.userVehicles.vehicleDetails).toEqual([
      expect.objectContaining({ VIN, nickName: '2022 Kuga' }),
      expect.objectContaining({ VIN: EV_VIN }),
    ]);
    expect(garage.body.vehicleProfile).toEqual([
      expect.objectContaining({ VIN, year: 2022, model: 'Kuga', showEVBatteryLevel: false }),
      expect.objectContaining({ VIN: EV_VIN, model: 'Mustang Mach-E', showEVBatteryLevel: true }),
    ]);

    const before = await status(sim, auto.body.access_token);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ vin: VIN, vehicleId: expect.any(String), events: {} });
    const { metrics } = before.body;
    for (const name of ['odometer', 'fuelLevel', 'fuelRange', 'batteryStateOfCharge', 'ignitionStatus']) {
      expect(metrics[name]).toEqual({
        value: expect.anything(),
        updateTime: expect.any(String),
        oemCorrelationId: expect.any(String),
        tags: {},
      });
    }
    expect(metrics.xevBatteryStateOfCharge).toBeUndefined();
    expect(metrics.doorLockStatus).toEqual([
      expect.objectContaining({ value: 'LOCKED', vehicleDoor: 'ALL_DOORS' }),
    ]);
    expect(metrics.tirePressure).toHaveLength(4);
    expect(metrics.tirePressure[0]).toMatchObject({ vehicleWheel: 'FRONT_LEFT', value: expect.any(Number) });
    expect(metrics.position.value.location).toEqual({
      lat: expect.any(Number),
      lon: expect.any(Number),
      alt: 180,
    });

    const issued = await command(sim, auto.body.access_token, 'unlock');
    expect(issued.status).toBe(201);
    const id = issued.body.id as string;
    expect(id).toEqual(expect.any(String));

    const queued = await status(sim, auto.body.access_token);
    expect(queued.body.states.unlockCommand.value).toMatchObject({
      toState: 'REQUEST_QUEUED',
      commandId: id,
    });
    sim.clock.advance(2);
    const received = await status(sim, auto.body.access_token);
    expect(received.body.states.unlockCommand.value.toState).toBe('RECEIVED_BY_DEVICE');
    expect(received.body.metrics.doorLockStatus[0].value).toBe('LOCKED');
    sim.clock.advance(8);
    const done = await status(sim, auto.body.access_token);
    expect(done.body.states.unlockCommand.value.toState).toBe('SUCCESS');
    expect(done.body.metrics.doorLockStatus[0].value).toBe('UNLOCKED');

    const ev = await status(sim, auto.body.access_token, EV_VIN);
    expect(ev.body.metrics.xevBatteryStateOfCharge.value).toBe(80);
    expect(ev.body.metrics.fuelLevel).toBeUndefined();
  });

  it('runs remote start with a countdown and scripted failures', async () => {
    const sim = await startSim({ commandSeconds: 0 });
    const { auto } = await signedIn(sim);
    await command(sim, auto.access_token, 'remoteStart');
    let res = await status(sim, auto.access_token);
    expect(res.body.metrics.ignitionStatus.value).toBe('RUN');
    expect(res.body.metrics.remoteStartCountdownTimer.value).toBe(900);
    sim.clock.advance(100);
    res = await status(sim, auto.access_token);
    expect(res.body.metrics.remoteStartCountdownTimer.value).toBe(800);

    const patch = await call(sim, `/_sim/vehicles/${VIN}`, {
      method: 'PATCH',
      json: { commandResult: 'COMMAND_FAILED_ON_DEVICE' },
    });
    expect(patch.status).toBe(200);
    await command(sim, auto.access_token, 'lock');
    res = await status(sim, auto.access_token);
    expect(res.body.states.lockCommand.value.toState).toBe('COMMAND_FAILED_ON_DEVICE');
    expect(
      res.body.states.lockCommand.value.data.commandError.commandExecutionFailure.oemErrorCode,
    ).toBeTruthy();
    expect(res.body.states.remoteStartCommand.value.toState).toBe('SUCCESS');
  });

  it('answers 403 for a VIN on another account and 401 without a token', async () => {
    const sim = await startSim();
    const { auto } = await signedIn(sim, 'driver@example.com', [VIN]);
    await createAccount(sim, 'other@example.com', [EV_VIN]);
    const foreign = await status(sim, auto.access_token, EV_VIN);
    expect(foreign.status).toBe(403);
    expect(foreign.body).toEqual({
      error: 'FORBIDDEN',
      message: `Caller is NOT AUTHORIZED TO PERFORM this action on vehicle ${EV_VIN}`,
    });
    expect((await command(sim, auto.access_token, 'lock', EV_VIN)).status).toBe(403);
    expect((await status(sim, auto.access_token, 'NOSUCHVIN')).status).toBe(403);
    expect((await call(sim, `/v1/telemetry/sources/fordpass/vehicles/${VIN}`)).status).toBe(401);
    expect((await vehicles(sim, 'garbage')).status).toBe(401);
  });

  it('validates command bodies', async () => {
    const sim = await startSim();
    const { auto } = await signedIn(sim);
    const bad = await command(sim, auto.access_token, 'selfDestruct');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('BAD_REQUEST');
  });

  it('rejects an expired CAT token on the vehicle list', async () => {
    const sim = await startSim();
    const { cat: pair } = await signedIn(sim);
    sim.clock.advance(1800);
    expect((await vehicles(sim, pair.access_token)).status).toBe(401);
  });
});
