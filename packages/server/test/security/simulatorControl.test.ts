import { type FordSimulator, startFordSimulator } from '@configflow/ford-simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { rawRequest } from './support.ts';

// Attack 2, on the Ford simulator's unauthenticated `/_sim/` control API: text/plain and typeless
// bodies were accepted, and so was any Host (a DNS-rebound page could reset accounts or add faults).
let sim: FordSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const account = JSON.stringify({ username: 'evil@example.com', password: 'x', region: 'deu' });

describe('the simulator control API', () => {
  it('refuses bodies that are not declared JSON, cross-site requests and rebound Host names', async () => {
    sim = await startFordSimulator();
    const url = `${sim.url}/_sim/accounts`;
    const plain = await rawRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: account,
    });
    expect(plain.status).toBe(415);
    expect((await rawRequest(url, { method: 'POST', body: account })).status).toBe(415);
    const beacon = await rawRequest(`${sim.url}/_sim/reset`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(beacon.status).toBe(403);
    const rebound = await rawRequest(url, {
      method: 'POST',
      headers: { host: `127.attacker.example:${sim.port}`, 'content-type': 'application/json' },
      body: account,
    });
    expect(rebound.status).toBe(403);
    expect(
      (await rawRequest(`${sim.url}/_sim/accounts`, { headers: { host: 'attacker.example' } })).status,
    ).toBe(403);
    expect(sim.state.accounts()).toEqual([]);
  });

  it('serves JSON from programs and its own pages', async () => {
    sim = await startFordSimulator();
    const created = await rawRequest(`${sim.url}/_sim/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: account,
    });
    expect(created.status).toBe(201);
    expect((await rawRequest(`${sim.url}/_sim/reset`, { method: 'POST' })).status).toBe(200);
    expect(
      (await rawRequest(`${sim.url}/_sim/accounts`, { headers: { host: `localhost:${sim.port}` } })).status,
    ).toBe(200);
  });
});
