import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import type { Integration } from '@configflow/core';
import {
  ConfigError,
  describeError,
  type IntegrationContext,
  type IntegrationExport,
  importUserModule,
  type LoadedConfig,
} from './config.ts';

function isIntegration(value: unknown): value is Integration {
  const v = value as Partial<Integration> | undefined;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.setup === 'function' &&
    typeof v.flow === 'object' &&
    v.flow !== null &&
    typeof v.flow.domain === 'string'
  );
}

/** Where a module named in the config lives: paths relative to the config file, or a package name. */
function locate(loaded: LoadedConfig, specifier: string): string {
  if (specifier.startsWith('.') || isAbsolute(specifier)) return resolve(loaded.dir, specifier);
  try {
    return createRequire(loaded.file).resolve(specifier);
  } catch {
    throw new ConfigError(
      `${loaded.file}: integration "${specifier}" is neither a path nor an installed package`,
    );
  }
}

async function fromExport(
  value: IntegrationExport,
  ctx: IntegrationContext,
  where: string,
): Promise<Integration> {
  const made = typeof value === 'function' ? await value(ctx) : value;
  if (!isIntegration(made))
    throw new ConfigError(
      `${where}: is not an Integration (it needs \`flow\`, made with defineConfigFlow, and \`setup\`)`,
    );
  return made;
}

/** Imports every integration a config lists; each problem is a ConfigError naming its file. */
export async function loadIntegrations(
  loaded: LoadedConfig,
  ctx: IntegrationContext,
): Promise<Integration[]> {
  const integrations: Integration[] = [];
  for (const item of loaded.config.integrations) {
    if (typeof item !== 'string') {
      integrations.push(await fromExport(item, ctx, loaded.file).catch(rethrowAs(loaded.file)));
      continue;
    }
    const file = locate(loaded, item);
    let module: Record<string, unknown>;
    try {
      module = await importUserModule(file);
    } catch (error) {
      throw new ConfigError(`${file}: cannot be loaded: ${describeError(error)}`);
    }
    const value = module.default ?? module.integration;
    if (value === undefined)
      throw new ConfigError(
        `${file}: exports no integration (use \`export default\` or \`export const integration\`)`,
      );
    integrations.push(await fromExport(value as IntegrationExport, ctx, file).catch(rethrowAs(file)));
  }
  const seen = new Set<string>();
  for (const { flow } of integrations) {
    if (seen.has(flow.domain))
      throw new ConfigError(`${loaded.file}: two integrations have the domain "${flow.domain}"`);
    seen.add(flow.domain);
  }
  return integrations;
}

function rethrowAs(file: string) {
  return (error: unknown): never => {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`${file}: the integration factory failed: ${describeError(error)}`);
  };
}
