/**
 * All benchmarks, one table: every row with its ratio against the baseline measured in the same run.
 * Numbers are printed, never asserted: CI does not gate on absolute times.
 * Reproduce: npx -y pnpm@10.34.9 bench   (or: node --expose-gc --import tsx bench/run.ts [--quick])
 */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { type CompiledCli, run as cliColdStart, setupCompiled } from './cliColdStart.bench.ts';
import { run as cluster } from './cluster.bench.ts';
import { run as coldStart } from './coldStart.bench.ts';
import { run as engine } from './engine.bench.ts';
import { run as forms } from './forms.bench.ts';
import { run as homeAssistant, notes as homeAssistantNotes } from './homeAssistant.bench.ts';
import { run as http, runHttp } from './http.bench.ts';

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
/** Lines printed under the table (what could not be measured here, and why). */
const notes: string[] = [];
/** The compiled CLI (packed and npm-installed), shared by the cold-start and HTTP suites. */
let compiled: CompiledCli | undefined;
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
    name: 'issue 17 flow (user {host, name} → confirm → create_entry)',
    run: async () => {
      const r = await homeAssistant(quick ? { flows: 5_000, rounds: 3, idleFlows: 2_000 } : {});
      notes.push(...homeAssistantNotes(r));
      const bare = 'issue 17 flow: bare XState actor, steps/s';
      const ha = 'issue 17 flow: Home Assistant FlowManager, steps/s';
      const haHeap = 'issue 17 flow: Home Assistant, heap per flow waiting at confirm';
      const rows: Row[] = [];
      if (r.homeAssistant) {
        rows.push(
          { name: ha, value: r.homeAssistant.stepsPerSec, unit: 'steps/s', higherIsBetter: true },
          { name: haHeap, value: r.homeAssistant.bytesPerIdleFlow, unit: 'B', higherIsBetter: false },
        );
      }
      rows.push(
        { name: bare, value: r.bare, unit: 'steps/s', higherIsBetter: true },
        {
          name: 'issue 17 flow: FlowManager, steps/s',
          value: r.manager,
          unit: 'steps/s',
          higherIsBetter: true,
          baseline: bare,
        },
        {
          name: 'issue 17 flow: FlowManager, µs per step',
          value: Math.round(1e7 / r.manager) / 10,
          unit: 'µs',
          higherIsBetter: false,
        },
        {
          name: 'issue 17 flow: FlowManager, heap per flow waiting at confirm',
          value: r.managerBytesPerIdleFlow,
          unit: 'B',
          higherIsBetter: false,
          ...(r.homeAssistant ? { baseline: haHeap } : {}),
        },
      );
      // Against Home Assistant's steps/s in this same run (cost above 1: slower than Home Assistant).
      if (r.homeAssistant)
        rows.push({
          name: 'issue 17 flow: FlowManager vs Home Assistant, steps/s',
          value: r.manager,
          unit: 'steps/s',
          higherIsBetter: true,
          baseline: ha,
        });
      return rows;
    },
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
    name: 'cold start of the CLI (compiled build against the tsx path)',
    run: async () => {
      try {
        compiled = setupCompiled();
      } catch (error) {
        notes.push(
          `CLI cold start and the compiled HTTP rows were NOT measured: setting up the compiled CLI failed (${(error as Error).message.split('\n')[0]}).`,
        );
        return [];
      }
      const r = await cliColdStart(compiled, quick ? 3 : 7);
      notes.push(
        `CLI cold start: the compiled side is scripts/pack.mjs's tarballs npm-installed into a temp project with hello compiled by tsc (setup ${r.setupSeconds} s, not counted); the tsx side is node packages/cli/bin/configflow.js in examples/hello. Whole processes, spawn to exit or to the listening line.`,
      );
      const rows: Row[] = [
        { name: 'cold start: node -e "" (the floor)', value: r.nodeMs, unit: 'ms', higherIsBetter: false },
      ];
      for (const [name, v] of [
        ['configflow --help', r.helpMs],
        ['configflow viz hello', r.vizMs],
        ['configflow serve, until listening', r.serveMs],
      ] as const) {
        const tsx = `cold start: ${name}, tsx path`;
        rows.push(
          { name: tsx, value: v.tsx, unit: 'ms', higherIsBetter: false },
          {
            name: `cold start: ${name}, compiled`,
            value: v.compiled,
            unit: 'ms',
            higherIsBetter: false,
            baseline: tsx,
          },
        );
      }
      return rows;
    },
  },
  {
    name: 'cluster (issue 18: entry stores at scale, flows on PostgreSQL with 1 and 3 instances)',
    run: async () => {
      try {
        return (await cluster({ quick, notes })).map((r) => ({ ...r, higherIsBetter: r.unit === 'steps/s' }));
      } catch (error) {
        // PostgreSQL comes from Debian's package (scripts/ensure-postgres.mjs); without it, say so.
        notes.push(`cluster rows not measured: ${(error as Error).message}`);
        return [];
      }
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
      // The same step against the compiled build's serve (hello only, from the cold-start project).
      if (compiled) {
        const [, built] = await runHttp({
          seconds: quick ? 5 : 10,
          command: { bin: compiled.bin, cwd: compiled.cwd },
        });
        rows.push(
          {
            name: 'HTTP, compiled build: flow step (POST /api/flows/:id), req/s',
            value: built!.requestsPerSec,
            unit: 'req/s',
            higherIsBetter: true,
            baseline: `${step!.name}, req/s`,
          },
          {
            name: 'HTTP, compiled build: flow step, p50',
            value: built!.p50Ms,
            unit: 'ms',
            higherIsBetter: false,
          },
          {
            name: 'HTTP, compiled build: flow step, p99',
            value: built!.p99Ms,
            unit: 'ms',
            higherIsBetter: false,
          },
        );
      }
      return rows;
    },
  },
];

try {
  for (const suite of suites) {
    process.stderr.write(`bench: ${suite.name}…\n`);
    rows.push(...(await suite.run()));
  }
} finally {
  compiled?.dispose();
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

for (const note of notes) console.log(`\n${note}`);
console.log(
  `\nNode ${process.version}, ${cpus().length} × ${cpuName()}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
);
console.log('Reproduce: npx -y pnpm@10.34.9 bench');
