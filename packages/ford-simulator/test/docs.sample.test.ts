// The sample in docs/ford-simulator.md, run as written (docs/docs.test.ts checks it is a copy).
import { createCodeVerifier, pkceChallenge, startFordSimulator } from '@configflow/ford-simulator';
import { expect, it } from 'vitest';

it('docs sample: starting the simulator', async () => {
  const sim = await startFordSimulator({ port: 0, requestBudgetPerDay: 250, startTime: 1_750_000_000 });
  sim.url; // 'http://127.0.0.1:41234'
  sim.clock.now(); // simulated epoch seconds
  sim.clock.advance(300); // expire the Autonomic token
  sim.control.createAccount({
    username: 'a@example.com',
    password: 'pw',
    vehicles: [{ vin: 'VIN1', model: 'Kuga', year: 2022 }],
  });
  sim.state.stats(); // same shape as GET /_sim/stats
  await sim.close();
  expect(sim.clock.now()).toBe(1_750_000_300);
  expect(pkceChallenge(createCodeVerifier())).toMatch(/^[A-Za-z0-9_-]{43}$/);
});
