import { parseArgs } from 'node:util';
import { formatReport, passed } from './report.ts';
import { longScenario, shortScenario } from './scenario.ts';
import { runSoak } from './soak.ts';

/** `pnpm soak` runs the short form, `pnpm soak --long` the long one; exit 1 if any metric is non-zero. */
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
  },
  allowPositionals: true,
});

const seed = values.seed === undefined ? 1 : Number(values.seed);
const scenario = values.long ? longScenario(seed) : shortScenario(seed);
if (values.days) scenario.days = Number(values.days);
if (values.accounts) scenario.accounts = Number(values.accounts);
if (values.entries) scenario.entries = Number(values.entries);
if (values['data-dir']) scenario.dataDir = values['data-dir'];
if (values['default-poll']) scenario.pollPolicy = 'default';

const result = await runSoak(scenario, (line) => process.stderr.write(`${line}\n`));
console.log(formatReport(result));
if (values.json) {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(values.json, `${JSON.stringify(result, null, 2)}\n`);
}
process.exit(passed(result) ? 0 : 1);
