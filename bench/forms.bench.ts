/**
 * Form-layer benchmark: validation throughput (Ajv alone, zod alone, the combined `validate`), first-compile
 * cost and describe() cold vs cached.
 * Reproduce: npx -y pnpm@10.34.9 exec tsx bench/forms.bench.ts
 */
import { pathToFileURL } from 'node:url';
import { compileForm, formAjv, z } from '../packages/forms/src/index.ts';

export interface BenchRow {
  name: string;
  opsPerSec: number;
  nsPerOp: number;
  iterations: number;
}

export const REPRODUCE = 'npx -y pnpm@10.34.9 exec tsx bench/forms.bench.ts';

let sink: unknown;

/** Runs `fn` in growing batches until `minMs` of measured time, after a warm-up of the same length. */
function measure(name: string, fn: (i: number) => unknown, minMs = 300): BenchRow {
  const runFor = (ms: number) => {
    const budget = BigInt(ms) * 1_000_000n;
    let iterations = 0;
    let batch = 16;
    let elapsed = 0n;
    while (elapsed < budget) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < batch; i++) sink = fn(iterations + i);
      elapsed += process.hrtime.bigint() - start;
      iterations += batch;
      if (batch < 1 << 16) batch *= 2;
    }
    return { iterations, elapsed };
  };
  runFor(minMs); // warm-up: let V8 optimise and fill caches
  const { iterations, elapsed } = runFor(minMs);
  const nsPerOp = Number(elapsed) / iterations;
  return { name, opsPerSec: Math.round(1e9 / nsPerOp), nsPerOp: Math.round(nsPerOp), iterations };
}

/** Times `count` one-off operations, each on fresh setup built outside the timed region. */
function measureOnce<T>(
  name: string,
  count: number,
  setup: (i: number) => T,
  fn: (t: T) => unknown,
): BenchRow {
  const inputs = Array.from({ length: count }, (_, i) => setup(i));
  let elapsed = 0n;
  for (const input of inputs) {
    const start = process.hrtime.bigint();
    sink = fn(input);
    elapsed += process.hrtime.bigint() - start;
  }
  const nsPerOp = Number(elapsed) / count;
  return { name, opsPerSec: Math.round(1e9 / nsPerOp), nsPerOp: Math.round(nsPerOp), iterations: count };
}

const tokenSchema = () =>
  z.object({
    tokenstr: z.string().min(20).meta({ secret: true }),
    region: z.enum(['EU', 'US', 'CA']).meta({
      options: [
        { value: 'EU', label: 'Europe' },
        { value: 'US', label: 'United States' },
        { value: 'CA', label: 'Canada' },
      ],
    }),
  });
const tokenInput = { tokenstr: 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.payload', region: 'EU' };

/** 20 fields: strings, bounded numbers, booleans, enums, an email, a url and optional/defaulted ones. */
const wideSchema = () => {
  const shape: Record<string, z.ZodType> = {};
  for (let i = 0; i < 20; i++) {
    const kind = i % 5;
    if (kind === 0) shape[`text_${i}`] = z.string().min(1).max(200);
    else if (kind === 1) shape[`number_${i}`] = z.int().min(0).max(10_000).default(10);
    else if (kind === 2) shape[`flag_${i}`] = z.boolean().default(false);
    else if (kind === 3) shape[`choice_${i}`] = z.enum(['a', 'b', 'c', 'd']);
    else shape[`contact_${i}`] = i % 2 === 0 ? z.email() : z.url().optional();
  }
  return z.object(shape);
};
const wideInput: Record<string, unknown> = {};
for (let i = 0; i < 20; i++) {
  const kind = i % 5;
  if (kind === 0) wideInput[`text_${i}`] = `value ${i}`;
  else if (kind === 1) wideInput[`number_${i}`] = i * 7;
  else if (kind === 2) wideInput[`flag_${i}`] = i % 3 === 0;
  else if (kind === 3) wideInput[`choice_${i}`] = 'b';
  else wideInput[`contact_${i}`] = i % 2 === 0 ? `user${i}@example.com` : `https://example.com/${i}`;
}

export function run(): BenchRow[] {
  const rows: BenchRow[] = [];
  const cases = [
    { label: 'token form', schema: tokenSchema(), input: tokenInput },
    { label: '20-field form', schema: wideSchema(), input: wideInput },
  ];
  for (const { label, schema, input } of cases) {
    const form = compileForm({ domain: 'bench', version: 1, stepId: label }, schema);
    // The same cached validator `validate` uses: Ajv's cache is keyed by the (frozen) schema object.
    const ajvValidate = formAjv().compile(form.describe().jsonSchema);
    if (!ajvValidate(input) || !schema.safeParse(input).success || !form.validate(input).ok) {
      throw new Error(`bench input for ${label} is not valid`);
    }
    rows.push(measure(`${label}: validate, ajv only`, () => ajvValidate(input)));
    rows.push(measure(`${label}: validate, zod safeParse only`, () => schema.safeParse(input)));
    rows.push(measure(`${label}: validate() combined (guard + ajv + zod)`, () => form.validate(input)));
    rows.push(measure(`${label}: validate() invalid input`, () => form.validate({})));
  }
  const make = [tokenSchema, wideSchema] as const;
  const names = ['token form', '20-field form'];
  for (let k = 0; k < 2; k++) {
    // A new schema object per sample defeats every cache: zod -> JSON Schema -> strict Ajv compile.
    rows.push(
      measureOnce(
        `${names[k]}: first compileForm()`,
        200,
        () => make[k]!(),
        (s) => compileForm({ domain: 'bench-cold', version: 1, stepId: 'user' }, s),
      ),
    );
    rows.push(
      measureOnce(
        `${names[k]}: describe() cold (first call)`,
        200,
        () => compileForm({ domain: 'bench-describe', version: 1, stepId: 'user' }, make[k]!()),
        (f) => f.describe(),
      ),
    );
    const form = compileForm({ domain: 'bench-describe', version: 1, stepId: 'user' }, make[k]!());
    form.describe();
    rows.push(measure(`${names[k]}: describe() cached`, () => form.describe()));
    rows.push(
      measure(`${names[k]}: describe({ suggested }) cached + overlay`, () =>
        form.describe({ suggested: { tokenstr: 'x', region: 'US' }, secretsWithValue: ['tokenstr'] }),
      ),
    );
  }
  return rows;
}

export function formatTable(rows: BenchRow[]): string {
  const header = ['benchmark', 'ops/s', 'ns/op', 'samples'];
  const body = rows.map((r) => [
    r.name,
    r.opsPerSec.toLocaleString('en-US'),
    r.nsPerOp.toLocaleString('en-US'),
    String(r.iterations),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = run();
  console.log(formatTable(rows));
  console.log(`\nNode ${process.version}. Reproduce: ${REPRODUCE}`);
  if (sink === Symbol.for('never')) console.log(sink);
}
