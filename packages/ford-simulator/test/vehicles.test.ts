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
    expect(garage.status).toBe(207);
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
    // Per-door entries; ALL_DOORS is among them but not first, and a mechanical latch says UNKNOWN.
    const allDoors = (m: any) => m.doorLockStatus.find((d: any) => d.vehicleDoor === 'ALL_DOORS');
    expect(metrics.doorLockStatus[0]).toMatchObject({
      value: 'UNKNOWN',
      vehicleOccupantRole: 'UNKNOWN',
      tags: { DOOR_LATCH_TYPE: 'MECHANICAL' },
    });
    expect(allDoors(metrics)).toMatchObject({ value: 'LOCKED' });
    expect(metrics.doorLockStatus).toContainEqual(
      expect.objectContaining({ value: 'LOCKED', vehicleOccupantRole: 'DRIVER' }),
    );
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
    // Ford's creation answer (itchannel #330), expireTime 90 s after createTime.
    expect(issued.body).toMatchObject({
      type: 'unlock',
      currentStatus: 'REQUESTED',
      statusReason: 'Command in progress',
      target: { vin: VIN, vehicleId: before.body.vehicleId, deviceId: expect.any(String) },
      failIfPrecluded: false,
      wakeUp: true,
    });
    expect(Date.parse(issued.body.expireTime) - Date.parse(issued.body.createTime)).toBe(90_000);
    expect(issued.body.updateTime).toBe(issued.body.createTime);

    const queued = await status(sim, auto.body.access_token);
    // commandId beside value, not in it (m#271); timestamp, message, version and tags.
    expect(queued.body.states.unlockCommand).toEqual({
      timestamp: expect.any(String),
      commandId: id,
      value: { fromState: 'REQUEST_QUEUED', toState: 'REQUEST_QUEUED', oemData: {} },
      message: expect.any(String),
      version: '1.0.0',
      tags: { tmcArrivalTimestamp: issued.body.createTime },
    });
    sim.clock.advance(2);
    const received = await status(sim, auto.body.access_token);
    expect(received.body.states.unlockCommand.value).toMatchObject({
      fromState: 'REQUEST_QUEUED',
      toState: 'RECEIVED_BY_DEVICE',
    });
    expect(allDoors(received.body.metrics).value).toBe('LOCKED');
    sim.clock.advance(8);
    const done = await status(sim, auto.body.access_token);
    expect(done.body.states.unlockCommand.value.toState).toBe('SUCCESS');
    expect(done.body.states.unlockCommand.timestamp).toBe(new Date(sim.clock.now() * 1000).toISOString());
    expect(allDoors(done.body.metrics).value).toBe('UNLOCKED');

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

  it('expires a command the car does not answer at expireTime, and writes lower-case states when asked', async () => {
    const sim = await startSim({ commandSeconds: 10 });
    const { auto } = await signedIn(sim);
    const patch = (body: Record<string, unknown>) =>
      call(sim, `/_sim/vehicles/${VIN}`, { method: 'PATCH', json: body });
    const stateOf = async (type: string) =>
      (await status(sim, auto.access_token)).body.states[`${type}Command`];

    expect((await patch({ commandResult: 'NO_RESPONSE' })).status).toBe(200);
    const silent = await command(sim, auto.access_token, 'lock');
    sim.clock.advance(89);
    expect((await stateOf('lock')).value.toState).toBe('REQUEST_QUEUED');
    sim.clock.advance(1);
    expect((await stateOf('lock')).value).toMatchObject({ fromState: 'REQUEST_QUEUED', toState: 'EXPIRED' });
    expect((await stateOf('lock')).timestamp).toBe(silent.body.expireTime);

    // A car slower than expireTime expires too (commandExpireSeconds is configurable).
    await patch({ commandResult: 'SUCCESS', commandSeconds: 200 });
    await command(sim, auto.access_token, 'unlock');
    sim.clock.advance(90);
    expect((await stateOf('unlock')).value.toState).toBe('EXPIRED');
    expect(sim.state.vehicle(VIN)!.lock).toBe('LOCKED');

    await patch({ commandSeconds: 10, stateCase: 'lower' });
    await command(sim, auto.access_token, 'unlock');
    expect((await stateOf('unlock')).value).toMatchObject({
      fromState: 'request_queued',
      toState: 'request_queued',
    });
    sim.clock.advance(10);
    expect((await stateOf('unlock')).value.toState).toBe('success');
    await patch({ commandResult: 'NO_RESPONSE' });
    await command(sim, auto.access_token, 'lock');
    sim.clock.advance(90);
    expect((await stateOf('lock')).value.toState).toBe('expired');

    await patch({ commandResult: 'COMMAND_SUCCEEDED_ON_DEVICE', stateCase: 'upper' });
    await command(sim, auto.access_token, 'lock');
    sim.clock.advance(2);
    expect((await stateOf('lock')).value.toState).toBe('COMMAND_IN_PROGRESS_ON_DEVICE');
    sim.clock.advance(8);
    expect((await stateOf('lock')).value).toMatchObject({
      fromState: 'COMMAND_IN_PROGRESS_ON_DEVICE',
      toState: 'COMMAND_SUCCEEDED_ON_DEVICE',
    });
    expect(sim.state.vehicle(VIN)!.lock).toBe('LOCKED');

    const quick = await startSim({ commandExpireSeconds: 5 });
    const q = await signedIn(quick);
    const issued = await command(quick, q.auto.access_token, 'lock');
    expect(Date.parse(issued.body.expireTime) - Date.parse(issued.body.createTime)).toBe(5_000);
    quick.clock.advance(5);
    expect((await status(quick, q.auto.access_token)).body.states.lockCommand.value.toState).toBe('EXPIRED');
  });

  it('reports deep sleep in commandPreclusion, and a precluded car lets commands expire', async () => {
    const sim = await startSim({ commandSeconds: 0 });
    const { auto } = await signedIn(sim);
    const causes = async () =>
      (await status(sim, auto.access_token)).body.states.commandPreclusion.value.data.commandPreclusionCauses;
    expect((await causes()).deepSleepCommandPreclusionState).toBe('NO_COMMANDS_PRECLUDED_BY_DEEP_SLEEP');
    await call(sim, `/_sim/vehicles/${VIN}`, { method: 'PATCH', json: { deepSleep: true } });
    expect((await causes()).deepSleepCommandPreclusionState).toBe('COMMANDS_PRECLUDED_BY_DEEP_SLEEP');
    await command(sim, auto.access_token, 'unlock');
    sim.clock.advance(90);
    const res = await status(sim, auto.access_token);
    expect(res.body.states.unlockCommand.value.toState).toBe('EXPIRED');
  });

  it('serves the metrics a real client reads, and the per-door lock layout without ALL_DOORS', async () => {
    const sim = await startSim();
    const { auto } = await signedIn(sim);
    const ice = (await status(sim, auto.access_token)).body.metrics;
    for (const name of [
      'heading',
      'ambientTemp',
      'batteryLoadStatus',
      'panicAlarmStatus',
      'compassDirection',
    ]) {
      expect(ice[name]).toMatchObject({ value: expect.anything(), updateTime: expect.any(String) });
    }
    expect(ice.windowStatus).toHaveLength(4);
    expect(ice.windowStatus[0]).toMatchObject({
      value: { doubleRange: { lowerBound: 0, upperBound: 0 } },
      vehicleWindow: expect.any(String),
      vehicleSide: expect.any(String),
    });
    expect(Object.keys(ice.indicators).length).toBeGreaterThan(0);
    expect(ice.configurations.automaticSoftwareUpdateOptInSetting.value).toBe('ON');
    expect(ice.customMetrics).toEqual({});
    const ev = (await status(sim, auto.access_token, EV_VIN)).body.metrics;
    for (const name of [
      'xevBatteryChargerCurrentOutput',
      'xevBatteryChargerVoltageOutput',
      'xevBatteryIoCurrent',
      'xevBatteryTimeToFullCharge',
      'xevChargeStationCommunicationStatus',
      'xevChargeStationPowerType',
    ]) {
      expect(ev[name]).toMatchObject({ value: expect.anything() });
    }

    await call(sim, `/_sim/vehicles/${VIN}`, {
      method: 'PATCH',
      json: { doorLockLayout: 'per-door', locked: false },
    });
    const perDoor = (await status(sim, auto.access_token)).body.metrics.doorLockStatus;
    expect(perDoor.map((d: any) => d.vehicleDoor)).toEqual([
      'FRONT_LEFT',
      'FRONT_RIGHT',
      'REAR_LEFT',
      'REAR_RIGHT',
    ]);
    expect(perDoor.every((d: any) => d.value === 'UNLOCKED' && d.determinationMethod === 'ACTUAL')).toBe(
      true,
    );
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
