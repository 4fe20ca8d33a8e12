import { describe, expect, it } from 'vitest';
import { APP_ID, call, EV_VIN, signedIn, startSim, status, VIN, vehicles } from './helpers.ts';

/** The reads beyond status and the vehicle list that public clients make. */
describe('the other Ford reads', () => {
  const query = (sim: Awaited<ReturnType<typeof startSim>>, token: string, body: unknown, vin = VIN) =>
    call(sim, `/v1beta/telemetry/sources/fordpass/vehicles/${vin}:query`, {
      json: body,
      headers: { authorization: `Bearer ${token}` },
    });

  it('POST :query returns the status document, holding only the metrics in includeMetrics', async () => {
    const sim = await startSim();
    const { auto } = await signedIn(sim);
    const all = await query(sim, auto.access_token, {});
    expect(all.status).toBe(200);
    const get = await status(sim, auto.access_token);
    expect(Object.keys(all.body.metrics).sort()).toEqual(Object.keys(get.body.metrics).sort());
    const some = await query(sim, auto.access_token, { includeMetrics: ['odometer', 'doorLockStatus'] });
    expect(Object.keys(some.body.metrics).sort()).toEqual(['doorLockStatus', 'odometer']);
    expect(some.body).toMatchObject({ vin: VIN, states: expect.any(Object), events: {} });
    expect((await query(sim, auto.access_token, { includeMetrics: 'odometer' })).status).toBe(400);
    expect((await query(sim, 'garbage', {})).status).toBe(401);
    expect((await query(sim, auto.access_token, {}, 'NOSUCHVIN')).status).toBe(403);
    expect(sim.state.stats().routes.telemetryQuery).toBe(5);
  });

  it("a 502 fault on :query answers Ford's TMC bad-gateway body", async () => {
    const sim = await startSim();
    const { auto } = await signedIn(sim);
    await call(sim, '/_sim/faults', { json: { route: 'telemetryQuery', status: 502, times: 1 } });
    const res = await query(sim, auto.access_token, { includeMetrics: ['odometer'] });
    expect(res.status).toBe(502);
    expect(res.body).toEqual({
      code: 502,
      error: 'bad gateway',
      message: 'A TMC service returned an invalid response',
    });
    expect((await query(sim, auto.access_token, {})).status).toBe(200);
  });

  it('the vehicle list answers 207 by default and 200 as an option', async () => {
    const sim = await startSim({ vehicleListStatus: 200 });
    const { cat } = await signedIn(sim);
    expect((await vehicles(sim, cat.access_token)).status).toBe(200);
    await expect(startSim({ vehicleListStatus: 204 as never })).rejects.toThrow(RangeError);
  });

  it('serves the garage, message center, RCC profile, charge times, charge logs and inventory', async () => {
    const sim = await startSim();
    const { cat, auto } = await signedIn(sim);
    const ford = { 'auth-token': cat.access_token, 'Application-Id': APP_ID };
    const garage = await call(sim, '/api/fpcpl-user-garage-service/v1/user/garage', { headers: ford });
    expect(garage.status).toBe(200);
    expect(garage.body).toEqual([
      expect.objectContaining({ vin: VIN, nickName: expect.any(String), userAuthStatus: expect.any(String) }),
      expect.objectContaining({ vin: EV_VIN, profile: expect.objectContaining({ model: 'Mustang Mach-E' }) }),
    ]);
    expect(garage.body[0].capabilities).toEqual(expect.any(Object));

    const messages = await call(sim, '/api/messagecenter/v3/messages', { headers: ford });
    expect(messages.body).toEqual({ result: { messages: [] } });
    const rcc = await call(sim, '/api/rcc/profile/status', { json: { vin: EV_VIN }, headers: ford });
    expect(rcc.body).toEqual({ rccUserProfiles: [] });
    const times = await call(sim, '/api/electrification/experiences/v2/vehicles/preferred-charge-times', {
      headers: { ...ford, vin: EV_VIN },
    });
    expect(times).toMatchObject({ status: 200, body: [] });
    const foreign = await call(sim, '/api/electrification/experiences/v2/vehicles/preferred-charge-times', {
      headers: { ...ford, vin: 'NOSUCHVIN' },
    });
    expect(foreign.status).toBe(403);
    const logs = await call(
      sim,
      '/api/electrification/experiences/v2/devices/energy-transfer-logs?maxRecords=1',
      {
        headers: { ...ford, deviceId: 'x' },
      },
    );
    expect(logs.body).toEqual({ energyTransferLogs: [] });
    const inventory = await call(sim, `/v1/inventory/vehicles:getByVin?vin=${VIN}`, {
      headers: { authorization: `Bearer ${auto.access_token}` },
    });
    expect(inventory.body).toMatchObject({ vin: VIN, vehicleId: expect.any(String) });

    // Same rules as the vehicle list: a CAT token, the region's Application-Id.
    expect(
      (await call(sim, '/api/messagecenter/v3/messages', { headers: { ...ford, 'auth-token': 'x' } })).status,
    ).toBe(401);
    const wrongApp = await call(sim, '/api/messagecenter/v3/messages', {
      headers: { ...ford, 'Application-Id': 'not-a-real-app' },
    });
    expect(wrongApp.body.errorCode).toBe('432');

    const wrapped = await startSim({ garageShape: 'wrapped' });
    const other = await signedIn(wrapped);
    const res = await call(wrapped, '/api/fpcpl-user-garage-service/v1/user/garage', {
      headers: { 'auth-token': other.cat.access_token, 'Application-Id': APP_ID },
    });
    expect(res.body.vehicles).toHaveLength(2);
  });
});
