/**
 * Issue 12 item 6, cold start of the command itself: `configflow --help`, `configflow viz hello` and
 * the time until `configflow serve` (port 0, a fresh data dir) says it is listening, each from the
 * compiled build against the repository's tsx path, alternating, median of fresh processes.
 *
 * - compiled: `pnpm run pack` (scripts/pack.mjs: `pnpm build`, then `pnpm pack` of every public
 *   package) into a temp folder, every tarball `npm install`ed into
 *   a temp project outside the workspace (as packages/cli/test/consumer does), the hello example's
 *   sources compiled to JS into it by tsc, and a configflow.config.mjs listing that integration; then
 *   plain `node node_modules/@configflow/cli/dist/bin.js`. No tsx is loaded.
 * - tsx: `node packages/cli/bin/configflow.js` in examples/hello, whose configflow.config.ts lists
 *   the same integration (so both sides serve and draw hello only, with no demo simulator).
 *
 * Each number is a whole process, from spawn to exit (or to the listening line), so Node's own start
 * is in it; `node -e ""` is measured beside them as the floor.
 * Reproduce: npx -y pnpm@10.34.9 exec tsx bench/cliColdStart.bench.ts
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPRODUCE = 'npx -y pnpm@10.34.9 exec tsx bench/cliColdStart.bench.ts';

const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));
const tsxBin = join(repo, 'packages/cli/bin/configflow.js');
const tsxCwd = join(repo, 'examples/hello');

export interface CliColdStart {
  nodeMs: number;
  helpMs: { compiled: number; tsx: number };
  vizMs: { compiled: number; tsx: number };
  serveMs: { compiled: number; tsx: number };
  /** Build, pack, install and compile hello: what the compiled side needed first. */
  setupSeconds: number;
}

/** The compiled CLI in a project outside the workspace; `dispose()` removes it. */
export interface CompiledCli {
  bin: string;
  cwd: string;
  /** Build, pack, npm install and compiling hello took this long. */
  setupSeconds: number;
  dispose(): void;
}

/** Builds, packs and installs the compiled CLI with the hello integration, in a temp folder. */
export function setupCompiled(): CompiledCli {
  const root = mkdtempSync(join(tmpdir(), 'cf-cold-cli-'));
  const start = process.hrtime.bigint();
  process.stderr.write('cold start: building, packing and installing the compiled CLI…\n');
  try {
    const { bin, cwd } = installCompiled(root);
    const setupSeconds = Math.round(Number(process.hrtime.bigint() - start) / 1e8) / 10;
    return { bin, cwd, setupSeconds, dispose: () => rmSync(root, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

/** The compiled side's project: packed tarballs installed with npm, hello compiled by tsc. */
function installCompiled(root: string): { bin: string; cwd: string } {
  const tgz = join(root, 'tgz');
  const app = join(root, 'app');
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'] as ['ignore', 'ignore', 'inherit'] };
  execFileSync(process.execPath, [join(repo, 'scripts/pack.mjs'), tgz], { cwd: repo, ...quiet });
  mkdirSync(app, { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'cold-start', private: true, type: 'module' }),
  );
  // Every public package as packed: whatever the cli and server depend on is among them.
  const tarballs = readdirSync(tgz)
    .filter((f) => f.endsWith('.tgz'))
    .map((f) => join(tgz, f));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], {
    cwd: app,
    ...quiet,
  });
  // The hello example as an author would ship it: its TypeScript compiled, imports kept.
  execFileSync(
    process.execPath,
    [
      join(repo, 'node_modules/typescript/bin/tsc'),
      '--outDir',
      join(app, 'hello'),
      '--rootDir',
      join(repo, 'examples/hello/src'),
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--rewriteRelativeImportExtensions',
      '--allowImportingTsExtensions',
      '--noCheck',
      '--skipLibCheck',
      ...readdirSync(join(repo, 'examples/hello/src'))
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(repo, 'examples/hello/src', f)),
    ],
    { cwd: app, ...quiet },
  );
  writeFileSync(join(app, 'hello', 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(
    join(app, 'configflow.config.mjs'),
    "import { defineConfig } from '@configflow/cli';\nexport default defineConfig({ integrations: ['./hello/integration.js'] });\n",
  );
  return { bin: join(app, 'node_modules/@configflow/cli/dist/bin.js'), cwd: app };
}

function timeProcess(args: string[], cwd: string): number {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Spawn → the "configflow listening on" line, then the server is stopped. */
function timeListening(bin: string, cwd: string): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cf-cold-serve-'));
  const start = process.hrtime.bigint();
  const proc = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', dataDir], {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise<number>((done, fail) => {
    let out = '';
    proc.once('exit', (code) => fail(new Error(`configflow serve exited with ${code} before listening`)));
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!/configflow listening on http/.test(out)) return;
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      proc.removeAllListeners('exit');
      proc.once('exit', () => {
        rmSync(dataDir, { recursive: true, force: true });
        done(ms);
      });
      proc.kill('SIGTERM');
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (ms: number) => Math.round(ms);

/** Alternating fresh processes of both sides, `runs` counted after one warm-up each. */
export async function run(compiled: CompiledCli, runs = 7): Promise<CliColdStart> {
  const sides = { compiled: [compiled.bin, compiled.cwd], tsx: [tsxBin, tsxCwd] } as const;
  const samples = {
    node: [] as number[],
    help: { compiled: [] as number[], tsx: [] as number[] },
    viz: { compiled: [] as number[], tsx: [] as number[] },
    serve: { compiled: [] as number[], tsx: [] as number[] },
  };
  // One run of each first, uncounted: the disk cache warms for both sides alike.
  for (let i = 0; i <= runs; i++) {
    const keep = i > 0;
    const node = timeProcess(['-e', ''], repo);
    if (keep) samples.node.push(node);
    for (const side of ['compiled', 'tsx'] as const) {
      const [bin, cwd] = sides[side];
      const help = timeProcess([bin, '--help'], cwd);
      const viz = timeProcess([bin, 'viz', 'hello'], cwd);
      const serve = await timeListening(bin, cwd);
      if (keep) {
        samples.help[side].push(help);
        samples.viz[side].push(viz);
        samples.serve[side].push(serve);
      }
    }
  }
  const pair = (s: { compiled: number[]; tsx: number[] }) => ({
    compiled: round(median(s.compiled)),
    tsx: round(median(s.tsx)),
  });
  return {
    nodeMs: round(median(samples.node)),
    helpMs: pair(samples.help),
    vizMs: pair(samples.viz),
    serveMs: pair(samples.serve),
    setupSeconds: compiled.setupSeconds,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const compiled = setupCompiled();
  const r = await run(compiled).finally(() => compiled.dispose());
  console.log(`node -e "" (the floor):                      ${r.nodeMs} ms`);
  for (const [name, v] of [
    ['configflow --help', r.helpMs],
    ['configflow viz hello', r.vizMs],
    ['configflow serve, until listening', r.serveMs],
  ] as const)
    console.log(
      `${name.padEnd(36)} compiled ${v.compiled} ms, tsx ${v.tsx} ms (${(v.compiled / v.tsx).toFixed(2)}x)`,
    );
  console.log(`setup (build, pack, npm install, compile hello): ${r.setupSeconds} s`);
  console.log(`reproduce: ${REPRODUCE}`);
}
