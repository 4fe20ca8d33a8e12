import { describe, expect, it } from 'vitest';
import { createCodeVerifier, pkceChallenge } from '../src/index.ts';
import {
  call,
  createAccount,
  exchange,
  refresh,
  START,
  scriptedLogin,
  signedIn,
  startSim,
  status,
  VIN,
} from './helpers.ts';

describe('control API', () => {
  it('creates accounts, refuses duplicates and validates input', async () => {
    const sim = await startSim();
    const created = await createAccount(sim);
    expect(created).toMatchObject({ username: 'driver@example.com', region: 'deu' });
    expect(created.vehicles).toHaveLength(2);
    expect(sim.state.account('DRIVER@example.com')?.subject).toBe(created.subject);

    const dup = await call(sim, '/_sim/accounts', {
      json: { username: 'Driver@Example.com', password: 'x', vehicles: [] },
    });
    expect(dup.status).toBe(409);
    const bad = await call(sim, '/_sim/accounts', { json: { username: 'x', vehicles: [{ vin: '' }] } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'bad_request', message: expect.stringContaining('password') });
    const defaults = await call(sim, '/_sim/accounts', { json: { username: 'plain', password: 'p' } });
    expect(defaults.body).toMatchObject({ region: 'rest_of_world', vehicles: [] });
  });

  it('adds and removes vehicles on an account', async () => {
    const sim = await startSim();
    const { auto } = await signedIn(sim, 'driver@example.com', []);
    expect((await status(sim, auto.access_token)).status).toBe(403);
    const added = await call(sim, '/_sim/accounts/driver@example.com/vehicles', {
      json: { vin: VIN.toLowerCase(), model: 'Puma', year: 2021 },
    });
    expect(added.status).toBe(201);
    expect((await status(sim, auto.access_token)).status).toBe(200);
    const removed = await call(sim, `/_sim/accounts/driver@example.com/vehicles/${VIN}`, {
      method: 'DELETE',
    });
    expect(removed.body.vehicles).toEqual([]);
    expect((await status(sim, auto.access_token)).status).toBe(403);
  });

  it('moves the clock and reports it', async () => {
    const sim = await startSim();
    expect((await call(sim, '/_sim/clock', { json: { advanceSeconds: 90 } })).body).toEqual({
      now: START + 90,
    });
    expect(sim.clock.now()).toBe(START + 90);
    expect((await call(sim, '/_sim/clock')).body).toEqual({ now: START + 90 });
    expect((await call(sim, '/_sim/clock', { json: { advanceSeconds: -1 } })).status).toBe(400);
    expect((await call(sim, '/_sim/clock', { json: {} })).status).toBe(400);
  });

  it('counts requests per route and account', async () => {
    const sim = await startSim();
    const { cat: pair, auto } = await signedIn(sim);
    await status(sim, auto.access_token);
    await status(sim, auto.access_token);
    await refresh(sim, pair.refresh_token);
    await refresh(sim, pair.refresh_token);
    await status(sim, 'unknown-token');

    const stats = (await call(sim, '/_sim/stats')).body;
    expect(stats.now).toBe(START);
    expect(stats.routes).toEqual({ token: 1, cat: 1, autonomic: 1, status: 3, refresh: 2 });
    expect(stats.refreshes).toBe(1);
    expect(stats.rateLimited).toBe(0);
    const day = String(Math.floor(START / 86_400));
    expect(stats.accounts['driver@example.com']).toEqual({
      requests: 7,
      byRoute: { token: 1, cat: 1, autonomic: 1, status: 2, refresh: 2 },
      refreshes: 1,
      rateLimited: 0,
      faulted: 0,
      byDay: { [day]: 7 },
    });
  });

  it('resets everything but the clock', async () => {
    const sim = await startSim();
    const { auto } = await signedIn(sim);
    sim.clock.advance(10);
    await call(sim, '/_sim/faults', { json: { route: 'status', status: 500 } });
    const res = await call(sim, '/_sim/reset', { method: 'POST' });
    expect(res.body).toEqual({ reset: true, now: START + 10 });
    expect(sim.state.accounts()).toEqual([]);
    expect(sim.state.faults()).toEqual([]);
    expect(sim.state.stats().routes).toEqual({});
    expect((await status(sim, auto.access_token)).status).toBe(401);
  });

  it('answers unknown paths, wrong methods and bad bodies without crashing', async () => {
    const sim = await startSim();
    const missing = await call(sim, '/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('not_found');
    expect((await call(sim, '/_sim/nope', { json: {} })).status).toBe(404);

    const wrongMethod = await call(sim, '/_sim/stats', { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');

    const malformed = await fetch(`${sim.url}/_sim/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username":',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: 'bad_request' });

    const cat = await fetch(`${sim.url}/api/token/v2/cat-with-b2c-access-token`, {
      method: 'POST',
      headers: { 'Application-Id': 'x' },
      body: 'not json',
    });
    expect(cat.status).toBe(400);

    const huge = await fetch(`${sim.url}/_sim/accounts`, {
      method: 'POST',
      body: 'x'.repeat(1024 * 1024 + 1),
    });
    expect(huge.status).toBe(413);

    const badEncoding = await call(sim, '/_sim/accounts/%E0%A4%A');
    expect(badEncoding.status).toBe(404);
    expect((await call(sim, '/_sim/stats')).status).toBe(200);
  });

  it('offers the same operations in process', async () => {
    const sim = await startSim();
    sim.control.createAccount({
      username: 'a@example.com',
      password: 'pw',
      vehicles: [{ vin: VIN, model: 'Ranger', year: 2024 }],
    });
    const verifier = createCodeVerifier();
    const { redirectUrl, code } = sim.control.login({
      username: 'a@example.com',
      password: 'pw',
      codeChallenge: pkceChallenge(verifier),
    });
    expect(redirectUrl).toBe(`fordapp://userauthorized/?code=${code}`);
    expect((await exchange(sim, code, verifier)).status).toBe(200);
    expect(sim.state.vehicle(VIN)).toMatchObject({ model: 'Ranger', lock: 'LOCKED', engineType: 'ICE' });
    expect(() =>
      sim.control.login({ username: 'a@example.com', password: 'no', codeChallenge: 'x' }),
    ).toThrow();
    const again = await scriptedLogin(sim, 'a@example.com').catch((error: Error) => error.message);
    expect(again).toContain('401');
  });
});
