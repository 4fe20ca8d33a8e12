import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
export const REPO = resolve(import.meta.dirname, '../../../..');
const PNPM = ['-y', 'pnpm@10.34.9'];

/** The packages a user installs from the registry; the demo's Ford packages stay optional. */
export const PUBLIC_PACKAGES = [
  'core',
  'forms',
  'viz',
  'server',
  'cli',
  'testing',
  'fordpass',
  'ford-simulator',
];

/** Runs a command, failing with its output (an npm error is unreadable without it). */
export async function sh(file: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }) {
  try {
    return await exec(file, args, {
      ...opts,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, ...opts.env },
    });
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(
      `${file} ${args.join(' ')} (in ${opts.cwd}) failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`,
    );
  }
}

/**
 * Builds every public package (`pnpm build`) and packs it as a registry would get it (`pnpm pack`:
 * publishConfig applied, workspace: ranges replaced). Resolves with package name → tarball path.
 */
export async function buildAndPack(dest: string): Promise<Record<string, string>> {
  await sh('npx', [...PNPM, 'run', 'build'], { cwd: REPO });
  for (const name of PUBLIC_PACKAGES)
    await sh('npx', [...PNPM, 'pack', '--pack-destination', dest], { cwd: join(REPO, 'packages', name) });
  const tarballs: Record<string, string> = {};
  for (const file of await readdir(dest)) {
    const match = /^configflow-(.+)-\d+\.\d+\.\d+\.tgz$/.exec(file);
    if (match) tarballs[`@configflow/${match[1]}`] = join(dest, file);
  }
  return tarballs;
}

/** `npm install` into a project outside the workspace, quietly. */
export function npmInstall(cwd: string, specs: string[]) {
  return sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], { cwd });
}
