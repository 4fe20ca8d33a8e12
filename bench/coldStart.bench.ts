/**
 * Cold start: a fresh Node process importing the FordPass adapter and defining its flows, against the
 * same process importing only what every flow needs (xstate + zod) — both measured here, in this run.
 * Reproduce: npx -y pnpm@10.34.9 exec tsx bench/coldStart.bench.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPRODUCE = 'npx -y pnpm@10.34.9 exec tsx bench/coldStart.bench.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const storage = mkdtempSync(join(tmpdir(), 'cf-cold-'));

// Each script times itself from its first line, so process start-up and tsx are outside the number.
const SCRIPTS = {
  baseline: `const t0 = performance.now();
await import('xstate'); await import('zod');
console.log(performance.now() - t0);`,
  fordpass: `const t0 = performance.now();
const { createFordPassIntegration } = await import('@configflow/fordpass');
const integration = createFordPassIntegration({ storageDir: ${JSON.stringify(storage)} });
if (!integration.flow.machine) throw new Error('no machine');
console.log(performance.now() - t0);`,
};

function once(script: string): number {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: here,
    encoding: 'utf8',
  });
  return Number(out.trim().split('\n').at(-1));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median of `runs` fresh processes each, alternating, in milliseconds. */
export function run(runs = 7): { baselineMs: number; fordpassMs: number } {
  const base: number[] = [];
  const ford: number[] = [];
  for (let i = 0; i < runs; i++) {
    base.push(once(SCRIPTS.baseline));
    ford.push(once(SCRIPTS.fordpass));
  }
  return { baselineMs: Math.round(median(base)), fordpassMs: Math.round(median(ford)) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = run();
  console.log(`cold start, import xstate + zod:                 ${r.baselineMs} ms`);
  console.log(`cold start, import + define the FordPass flows:  ${r.fordpassMs} ms`);
  console.log(`reproduce: ${REPRODUCE}`);
}
