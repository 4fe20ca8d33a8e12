import { parseArgs } from 'node:util';
import { formatReport, passed } from './report.ts';
import { longScenario, shortScenario } from './scenario.ts';
import { runSoak } from './soak.ts';

/**
 * `pnpm soak` runs the short form, `pnpm soak --long` the long one, `pnpm soak --cluster` the cluster
 * soak (--instances, --kills, --accounts, --seed, --json); exit 1 if any asserted metric is non-zero.
 */
const { values } = parseArgs({
  options: {
    long: { type: 'boolean', default: false },
    seed: { type: 'string' },
    days: { type: 'string' },
    accounts: { type: 'string' },
    entries: { type: 'string' },
    'data-dir': { type: 'string' },
    'default-poll': { type: 'boolean', default: false },
    json: { type: 'string' },
    cluster: { type: 'boolean', default: false },
    instances: { type: 'string' },
    kills: { type: 'string' },
  },
  allowPositionals: true,
});

const seed = values.seed === undefined ? 1 : Number(values.seed);

if (values.cluster) {
  // `pnpm soak --cluster`: serve processes on one PostgreSQL, SIGKILLed mid refresh, reauth and flow.
  const { clusterScenario } = await import('./cluster/scenario.ts');
  const { runClusterSoak } = await import('./cluster/clusterSoak.ts');
  const { clusterPassed, formatClusterReport } = await import('./cluster/clusterReport.ts');
  const scenario = clusterScenario(seed, {
    ...(values.kills ? { kills: Number(values.kills) } : {}),
    ...(values.accounts ? { accounts: Number(values.accounts) } : {}),
  });
  if (values.instances) scenario.instances = Number(values.instances);
  const result = await runClusterSoak(scenario, (line) => process.stderr.write(`${line}\n`));
  await finish(formatClusterReport(result), result, clusterPassed(result));
}
const scenario = values.long ? longScenario(seed) : shortScenario(seed);
if (values.days) scenario.days = Number(values.days);
if (values.accounts) scenario.accounts = Number(values.accounts);
if (values.entries) scenario.entries = Number(values.entries);
if (values['data-dir']) scenario.dataDir = values['data-dir'];
if (values['default-poll']) scenario.pollPolicy = 'default';

const result = await runSoak(scenario, (line) => process.stderr.write(`${line}\n`));
await finish(formatReport(result), result, passed(result));

/** Prints the report, writes the whole result to --json, and exits 1 unless the soak passed. */
async function finish(report: string, result: unknown, ok: boolean): Promise<never> {
  console.log(report);
  if (values.json) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(values.json, `${JSON.stringify(result, null, 2)}\n`);
  }
  process.exit(ok ? 0 : 1);
}
