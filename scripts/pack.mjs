// `pnpm run pack [DIR]`: builds every public package and packs it as the registry would get it
// (`pnpm pack`: publishConfig applied, workspace: ranges replaced) into DIR (default .packages).
// `configflow init <dir> --packages DIR` then writes a starter that installs from these tarballs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PUBLIC_PACKAGES = [
  'core',
  'forms',
  'viz',
  'server',
  'cli',
  'testing',
  'fordpass',
  'ford-simulator',
  'postgres',
];
const repo = resolve(import.meta.dirname, '..');
const dest = resolve(process.argv[2] ?? join(repo, '.packages'));
// Under `pnpm run`, npm_execpath is pnpm itself; otherwise the pinned one through npx.
const pnpm = process.env.npm_execpath?.includes('pnpm')
  ? [process.execPath, process.env.npm_execpath]
  : ['npx', '-y', 'pnpm@10.34.9'];
const run = (args, cwd) =>
  execFileSync(pnpm[0], [...pnpm.slice(1), ...args], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });

process.stderr.write('Building the packages (pnpm build)…\n');
run(['run', 'build'], repo);
rmSync(dest, { recursive: true, force: true });
mkdirSync(dest, { recursive: true });
for (const name of PUBLIC_PACKAGES) run(['pack', '--pack-destination', dest], join(repo, 'packages', name));
process.stderr.write(`Packed ${readdirSync(dest).length} packages into ${dest}\n`);
