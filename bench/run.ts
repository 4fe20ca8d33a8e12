/**
 * All benchmarks, one table: every row with its ratio against the baseline measured in the same run.
 * Numbers are printed, never asserted: CI does not gate on absolute times.
 * Reproduce: npx -y pnpm@10.34.9 bench   (or: node --expose-gc --import tsx bench/run.ts [--quick])
 */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { run as coldStart } from './coldStart.bench.ts';
import { run as engine } from './engine.bench.ts';
import { run as forms } from './forms.bench.ts';
import { run as http } from './http.bench.ts';

export interface Row {
  name: string;
  value: number;
  unit: string;
  baseline?: string;
  /** Whether a bigger value is better (throughput) or worse (time, bytes). */
  higherIsBetter: boolean;
}

const quick = process.argv.includes('--quick');
const rows: Row[] = [];
const suites: { name: string; run: () => Promise<Row[]> }[] = [
  {
    name: 'engine',
    run: async () =>
      (await engine({ flows: quick ? 1_000 : 5_000, idleFlows: quick ? 10_000 : 100_000 })).map((r) => ({
        ...r,
        higherIsBetter: r.unit === 'steps/s',
      })),
  },
  {
    name: 'forms',
    run: async () => {
      const out: Row[] = [];
      for (const r of forms()) {
        const [form, what] = r.name.split(': ');
        const baseline = what?.startsWith('validate() combined') ? `${form}: validate, ajv only` : undefined;
        out.push({
          name: r.name,
          value: r.opsPerSec,
          unit: 'ops/s',
          higherIsBetter: true,
          ...(baseline ? { baseline } : {}),
        });
      }
      return out;
    },
  },
  {
    name: 'cold start',
    run: async () => {
      const r = coldStart(quick ? 3 : 7);
      return [
        { name: 'cold start: import xstate + zod', value: r.baselineMs, unit: 'ms', higherIsBetter: false },
        {
          name: 'cold start: import + define the FordPass flows',
          value: r.fordpassMs,
          unit: 'ms',
          higherIsBetter: false,
          baseline: 'cold start: import xstate + zod',
        },
      ];
    },
  },
  {
    name: 'http',
    run: async () => {
      const result = await http({ seconds: quick ? 5 : 10 });
      const [baseline, step] = result.http;
      const rows: Row[] = [];
      for (const r of [baseline!, step!]) {
        const base = r === step ? baseline!.name : undefined;
        rows.push({
          name: `${r.name}, req/s`,
          value: r.requestsPerSec,
          unit: 'req/s',
          higherIsBetter: true,
          ...(base ? { baseline: `${base}, req/s` } : {}),
        });
        rows.push({ name: `${r.name}, p50`, value: r.p50Ms, unit: 'ms', higherIsBetter: false });
        rows.push({ name: `${r.name}, p99`, value: r.p99Ms, unit: 'ms', higherIsBetter: false });
      }
      rows.push({
        name: 'in-process: the same step via FlowManager.configure',
        value: result.inProcessStepsPerSec,
        unit: 'steps/s',
        higherIsBetter: true,
      });
      return rows;
    },
  },
];

for (const suite of suites) {
  process.stderr.write(`bench: ${suite.name}…\n`);
  rows.push(...(await suite.run()));
}

/** Cost ratio against the baseline: > 1 means this row costs more than its baseline. */
function ratio(row: Row): string {
  const base = rows.find((r) => r.name === row.baseline);
  if (!base || base.value === 0 || row.value === 0) return '';
  const cost = row.higherIsBetter ? base.value / row.value : row.value / base.value;
  return `${cost.toFixed(2)}x`;
}

const table = rows.map((r) => [r.name, r.value.toLocaleString('en-US'), r.unit, r.baseline ?? '', ratio(r)]);
const header = ['benchmark', 'value', 'unit', 'baseline', 'cost vs baseline'];
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => (t[i] as string).length)));
const line = (cells: string[]) =>
  cells.map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const t of table) console.log(line(t));
/** Virtual machines all say "AMD EPYC": the family and model tell one CPU generation from another. */
function cpuName(): string {
  const model = cpus()[0]?.model ?? 'cpu';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (name: string) => new RegExp(`^${name}\\s*: (.*)$`, 'm').exec(info)?.[1];
    const family = field('cpu family');
    return family ? `${model} (family ${family}, model ${field('model')}, ${field('cpu MHz')} MHz)` : model;
  } catch {
    return model;
  }
}

console.log(
  `\nNode ${process.version}, ${cpus().length} × ${cpuName()}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
);
console.log('Reproduce: npx -y pnpm@10.34.9 bench');
