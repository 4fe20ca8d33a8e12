import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
export const REPO = resolve(import.meta.dirname, '../../../..');
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

/** `pnpm run pack DEST` (scripts/pack.mjs): builds and packs every public package. Name → tarball. */
export async function buildAndPack(dest: string): Promise<Record<string, string>> {
  await sh(process.execPath, [join(REPO, 'scripts/pack.mjs'), dest], { cwd: REPO });
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
