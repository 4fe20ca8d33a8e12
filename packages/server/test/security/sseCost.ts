/**
 * Attack 12's measurement: the cost of a flow step with N idle event streams open.
 * `node --import tsx packages/server/test/security/sseCost.ts [streams]` prints steps/s with none and with N.
 */
import { startTestServer } from '../fixtures/testApp.ts';

const streams = Number(process.argv[2] ?? 500);
const t = await startTestServer({ server: { maxEventStreams: streams } });
const { flowId } = (await (
  await t.api('/api/flows', { method: 'POST', json: { handler: 'hello' } })
).json()) as {
  flowId: string;
};
// A wrong token re-shows the form: every step emits a `progressed` event and the flow stays put.
const step = () => t.manager.configure(flowId, { host: 'h', apiToken: 'nope' });

async function stepsPerSecond(): Promise<number> {
  for (let i = 0; i < 1_000; i++) await step();
  const n = 2_000;
  const start = performance.now();
  for (let i = 0; i < n; i++) await step();
  return n / ((performance.now() - start) / 1000);
}

await stepsPerSecond(); // JIT warm-up
const none = await stepsPerSecond();
const controllers: AbortController[] = [];
for (let i = 0; i < streams; i++) {
  const controller = new AbortController();
  controllers.push(controller);
  const r = await fetch(`${t.url}/api/events`, { signal: controller.signal });
  // Read and drop: an idle browser tab's stream.
  void r.body!.pipeTo(new WritableStream()).catch(() => {});
}
const open = await stepsPerSecond();
process.stdout.write(
  `steps/s with 0 streams: ${none.toFixed(0)}; with ${streams} open streams: ${open.toFixed(0)} (${(none / open).toFixed(1)}x slower)\n`,
);
for (const c of controllers) c.abort();
await t.stop();
