/**
 * Loads a module the workspace does not depend on (the SQLite stores' drivers), from the path in an
 * environment variable (the package directory, its entry file, or an `npm i --prefix` directory) or
 * else by normal resolution from bench/; throws an Error saying why not, ending with how to get it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export function loadOptional<T>(opts: {
  /** The package's name, e.g. `better-sqlite3`. */
  pkg: string;
  /** The environment variable that may name where it is installed. */
  env: string;
  /** How to install it, appended to the error. */
  hint: string;
  /** The export wanted from the loaded module; throws when it is not there. */
  pick: (mod: unknown) => T;
}): T {
  const require = createRequire(import.meta.url);
  const configured = process.env[opts.env];
  const candidates = configured
    ? [configured, join(configured, 'node_modules', opts.pkg)].filter((p) => existsSync(p))
    : [opts.pkg];
  const errors: string[] = [];
  for (const candidate of candidates) {
    try {
      return opts.pick(require(candidate));
    } catch (error) {
      errors.push(`${candidate}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const where = configured
    ? `${opts.env}=${configured} ${candidates.length ? `failed (${errors.join('; ')})` : 'does not exist'}`
    : `${opts.pkg} is not resolvable from bench/ (${errors.join('; ')})`;
  throw new Error(`${opts.pkg} unavailable: ${where}; ${opts.hint}`);
}
