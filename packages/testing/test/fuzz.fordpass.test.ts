import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@configflow/core';
import { startFordSimulator } from '@configflow/ford-simulator';
import { createFordPassIntegration } from '@configflow/fordpass';
import { describe, expect, it } from 'vitest';
import { fuzzFlows } from '../src/index.ts';

describe('fuzzing the FordPass flows', () => {
  it('against the Ford simulator: typed rejections only, no leak, no pollution, sentinel intact', async () => {
    const sim = await startFordSimulator({ port: 0 });
    const storageDir = await mkdtemp(join(tmpdir(), 'fordpass-fuzz-'));
    try {
      const url = sim.url;
      const integration = createFordPassIntegration({
        api: { login: url, foundational: url, autonomic: url, vehicleApi: url, telemetry: url, command: url },
        storageDir,
        clock: new FakeClock(),
      });
      const stats = await fuzzFlows({
        flows: [integration.flow],
        integrations: [integration],
        entries: [
          {
            domain: 'fordpass',
            title: 'Kuga (…0001)',
            uniqueId: '1FMCU9G67LUA00001',
            data: { vin: '1FMCU9G67LUA00001', accountId: 'acc-fuzz', brand: 'ford', region: 'deu' },
            options: { pollInterval: 900, pressureUnit: 'kPa', distanceUnit: 'km' },
          },
        ],
        numRuns: Number(process.env.FUZZ_RUNS) || 30,
        // Fixed, so the forms it must reach are reached in every run (FUZZ_SEED explores others).
        seed: Number(process.env.FUZZ_SEED) || 1,
      });
      console.log(
        `fuzz: ${stats.cases} cases, ${stats.operations} operations, ${stats.restarts} restarts (fordpass)`,
      );
      console.log(`fuzz outcomes: ${JSON.stringify(stats.outcomes)}`);
      console.log(`fuzz forms hit: ${JSON.stringify(stats.formsHit)}`);
      expect(stats.outcomes).toHaveProperty('invalid_input');
      expect(Object.keys(stats.formsHit)).toEqual(
        expect.arrayContaining([
          'fordpass/config/brand',
          'fordpass/config/reauth_confirm',
          'fordpass/options/init',
        ]),
      );
    } finally {
      await sim.close();
      await rm(storageDir, { recursive: true, force: true });
    }
  });
});
