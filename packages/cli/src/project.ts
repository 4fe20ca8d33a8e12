import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ConfigFlow } from '@configflow/core';
import type { AppSetup } from './app.ts';
import {
  type ConfigflowConfig,
  findConfig,
  fromConfig,
  type IntegrationContext,
  loadConfig,
} from './config.ts';
import { demoSetup, type FordBackend } from './demo.ts';
import { loadIntegrations } from './integrations.ts';

/** What a command runs: a user's config file, or (with none) the built-in demo. */
export interface Project {
  /** The config file, or undefined for the demo. */
  file: string | undefined;
  config: Omit<ConfigflowConfig, 'integrations'>;
  /** The data dir, absolute: `--data-dir`, else the config's, else `.configflow`. */
  dataDir: string;
  setup(ctx: IntegrationContext): Promise<AppSetup>;
}

export interface ProjectOptions {
  cwd?: string;
  /** `--config FILE`. */
  config?: string;
  /** `--data-dir DIR`. */
  dataDir?: string;
  /** The demo's Ford backend (serve's `--simulator-port` / `--ford-api`). */
  ford?: FordBackend;
}

/** Finds and loads the project; a ConfigError names the file and what is wrong with it. */
export async function loadProject(opts: ProjectOptions = {}): Promise<Project> {
  const cwd = opts.cwd ?? process.cwd();
  const file = findConfig(cwd, opts.config);
  if (!file) {
    return {
      file: undefined,
      config: {},
      dataDir: resolve(cwd, opts.dataDir ?? '.configflow'),
      setup: demoSetup(opts.ford),
    };
  }
  const loaded = await loadConfig(file);
  const { integrations: _, ...config } = loaded.config;
  return {
    file,
    config,
    dataDir:
      opts.dataDir !== undefined
        ? resolve(cwd, opts.dataDir)
        : fromConfig(loaded, config.dataDir ?? '.configflow'),
    setup: async (ctx) => ({ integrations: await loadIntegrations(loaded, ctx) }),
  };
}

/**
 * The flows a project's integrations declare, made without an app: no flow manager, no entry store,
 * no lock, so nothing is written to a data dir. Integrations are made with `dataDir` when given (only
 * read), else with a temporary dir removed afterwards; the demo's FordPass adapter is pointed at an
 * address nothing listens on instead of starting a simulator.
 */
export async function projectFlows(
  opts: Omit<ProjectOptions, 'ford'>,
): Promise<{ project: Project; flows: ConfigFlow[] }> {
  const project = await loadProject({ ...opts, ford: { apiUrl: 'http://127.0.0.1:9' } });
  const dir =
    opts.dataDir === undefined ? await mkdtemp(join(tmpdir(), 'configflow-flows-')) : project.dataDir;
  try {
    const setup = await project.setup({ dataDir: dir, log: () => {} });
    await setup.close?.();
    return { project, flows: setup.integrations.map((i) => i.flow) };
  } finally {
    if (opts.dataDir === undefined) await rm(dir, { recursive: true, force: true });
  }
}
