import { existsSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Integration } from '@configflow/core';

/** What an integration module exports (default or `integration`): the integration, or a function making it. */
export type IntegrationExport = Integration | IntegrationFactory;

/** Makes an integration once the app knows where it runs (e.g. a token store inside the data dir). */
export type IntegrationFactory = (ctx: IntegrationContext) => Integration | Promise<Integration>;

export interface IntegrationContext {
  /** The app's data dir (absolute): integrations keep their own files below it. */
  dataDir: string;
  log(line: string): void;
  /**
   * With `store: postgres://…`: FordPass's tokens and account lock in that database, shared with the
   * other servers on it (a `SharedTokenStorage`). Pass it as `createFordPassIntegration`'s `shared`.
   * Typed `unknown` here so the CLI's types never need @configflow/fordpass, an optional peer.
   */
  sharedTokens?: unknown;
}

/** `configflow.config.ts` (or `.mts`, `.js`, `.mjs`): what `configflow serve`, `run` and `viz` load. */
export interface ConfigflowConfig {
  /**
   * The integrations to serve: module paths relative to the config file (each exporting an
   * `Integration` as its default export or as `integration`), integrations, or factories.
   */
  integrations: ReadonlyArray<string | IntegrationExport>;
  /** Entries, flows in progress and integrations' files; relative to the config file (default `.configflow`). */
  dataDir?: string;
  /** `serve`'s TCP port (default 8123) and interface (default 127.0.0.1). */
  port?: number;
  host?: string;
  /**
   * Where flows and entries are kept: `file` (JSON files in the data dir, the default), `memory`, or a
   * `postgres://…` URL, which several servers share (see docs/deployment.md).
   */
  store?: StoreOption;
  auth?: {
    /** Require `Authorization: Bearer <token>` on /api. */
    token?: string;
    /** Host names, besides loopback ones, that browsers may reach the server by (a reverse proxy's). */
    allowedHosts?: string[];
  };
}

/** `file`, `memory`, or a PostgreSQL URL (`postgres://user:password@host:5432/database`). */
export type StoreOption = 'file' | 'memory' | `postgres://${string}` | `postgresql://${string}`;

/** Whether a value names a store (`--store`, the config's `store`). */
export function isStoreOption(value: unknown): value is StoreOption {
  return (
    value === 'file' ||
    value === 'memory' ||
    (typeof value === 'string' && /^postgres(ql)?:\/\/./.test(value))
  );
}

/** Identity, for the types: `export default defineConfig({ integrations: ['./src/integration.ts'] })`. */
export function defineConfig(config: ConfigflowConfig): ConfigflowConfig {
  return config;
}

/** Names in the order they are looked for in the working directory. */
export const CONFIG_FILES = [
  'configflow.config.ts',
  'configflow.config.mts',
  'configflow.config.js',
  'configflow.config.mjs',
];

/** A user's config or integration module is wrong: the message names the file and what to do. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A loaded config, its paths made absolute against the config file's directory. */
export interface LoadedConfig {
  file: string;
  dir: string;
  config: ConfigflowConfig;
}

/** The config file `--config` names, or the first of CONFIG_FILES in `cwd`; undefined when there is none. */
export function findConfig(cwd: string, explicit?: string): string | undefined {
  if (explicit !== undefined) {
    const file = resolve(cwd, explicit);
    if (!existsSync(file)) throw new ConfigError(`${file}: no such config file`);
    return file;
  }
  return CONFIG_FILES.map((name) => resolve(cwd, name)).find((file) => existsSync(file));
}

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);
let typescriptLoader: Promise<void> | undefined;

/**
 * Imports a user's module. Node 20 cannot run TypeScript, so for a `.ts` file tsx's loader is
 * registered first, once, for the whole process: its modules then share one copy of
 * @configflow/core with ours (an `AuthFailed` thrown there is an `AuthFailed` here).
 */
export async function importUserModule(file: string): Promise<Record<string, unknown>> {
  if (TYPESCRIPT.has(extname(file))) {
    typescriptLoader ??= import('tsx/esm/api').then(({ register }) => {
      register();
    });
    await typescriptLoader;
  }
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

/** An error as one line: its name (unless plain `Error`) and message. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
}

/** Loads and checks a config file. Every problem is a ConfigError naming the file. */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  let module: Record<string, unknown>;
  try {
    module = await importUserModule(file);
  } catch (error) {
    throw new ConfigError(`${file}: cannot be loaded: ${describeError(error)}`);
  }
  const config = module.default as ConfigflowConfig | undefined;
  if (!config || typeof config !== 'object')
    throw new ConfigError(
      `${file}: has no default export (write \`export default defineConfig({ integrations: [...] })\`)`,
    );
  if (!Array.isArray(config.integrations) || config.integrations.length === 0)
    throw new ConfigError(`${file}: \`integrations\` must list at least one integration module`);
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new ConfigError(`${file}: ${what}`);
  };
  check(config.dataDir === undefined || typeof config.dataDir === 'string', '`dataDir` must be a path');
  check(
    config.port === undefined || (Number.isInteger(config.port) && config.port >= 0 && config.port <= 65535),
    '`port` must be a port number (0-65535)',
  );
  check(config.host === undefined || typeof config.host === 'string', '`host` must be a string');
  check(
    config.store === undefined || isStoreOption(config.store),
    '`store` must be "file", "memory" or a postgres:// URL',
  );
  check(config.auth === undefined || typeof config.auth === 'object', '`auth` must be an object');
  check(
    config.auth?.token === undefined || (typeof config.auth.token === 'string' && config.auth.token !== ''),
    '`auth.token` must be a non-empty string',
  );
  const dir = dirname(file);
  return { file, dir, config };
}

/** Resolves a path from the config relative to its directory. */
export function fromConfig(loaded: LoadedConfig, path: string): string {
  return isAbsolute(path) ? path : resolve(loaded.dir, path);
}
