/**
 * Attack 5's shutdown, at the caps: as many flows in progress as the manager takes, each with the
 * largest `data` it takes, in a JSON-file flow store; then the shutdown `configflow serve` does.
 * `node --import tsx packages/server/test/security/shutdownAtCaps.ts` prints how long each part took.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLOW_LIMITS } from '../../../core/src/flowManager.ts';
import { startTestServer } from '../fixtures/testApp.ts';

const dir = await mkdtemp(join(tmpdir(), 'cf-caps-'));
const t = await startTestServer({ dataDir: dir });
const data = { blob: 'x'.repeat(FLOW_LIMITS.maxDataBytes - 20) };
let started = 0;
const t0 = performance.now();
for (const handler of ['hello', 'showcase']) {
  for (;;) {
    const r = await t.api('/api/flows', { method: 'POST', json: { handler, data } });
    await r.arrayBuffer();
    if (r.status === 429) break;
    if (r.status !== 200) throw new Error(`start answered ${r.status}`);
    started++;
    if (started >= FLOW_LIMITS.maxFlows) break;
  }
}
const t1 = performance.now();
await t.stop();
const t2 = performance.now();
const size = (await stat(join(dir, 'flows.json'))).size;
process.stdout.write(
  `flows in progress: ${started}, each with ${FLOW_LIMITS.maxDataBytes - 20} B of data\n` +
    `starting them: ${((t1 - t0) / 1000).toFixed(1)} s; shutdown (server, runtime, manager, flush): ${((t2 - t1) / 1000).toFixed(1)} s\n` +
    `flows.json: ${(size / 1e6).toFixed(1)} MB\n`,
);
await rm(dir, { recursive: true, force: true });
