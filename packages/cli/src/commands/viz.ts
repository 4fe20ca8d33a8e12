import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ConfigFlow } from '@configflow/core';
import { FORMATS, renderFlow, type VizFormat } from '@configflow/viz';
import { createApp } from '../app.ts';
import { DataDirInUse } from '../dataDirLock.ts';

const USAGE = `Usage: configflow viz <domain> [options]

Draws a registered flow as a statechart.

Options:
  --format <format>   ${FORMATS.join(', ')} (default mermaid)
  --flow <source>     only the steps this source reaches (user, reauth, reconfigure, …)
  --options           the options flow instead of the config flow
  -o, --out <file>    write to a file instead of stdout
  --data-dir <dir>    the app's data dir (default: a temporary one, removed afterwards)
  -h, --help          show this help`;

export interface VizDeps {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

export async function run(argv: string[], deps: VizDeps = {}): Promise<number> {
  const stdout = deps.stdout ?? ((text: string) => process.stdout.write(text));
  const stderr = deps.stderr ?? ((text: string) => process.stderr.write(text));
  const fail = (message: string, usage = false) => {
    stderr(`configflow viz: ${message}\n${usage ? `\n${USAGE}\n` : ''}`);
    return 2;
  };
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    return fail((error as Error).message, true);
  }
  const { values } = args;
  if (values.help) {
    stdout(`${USAGE}\n`);
    return 0;
  }
  const [domain, ...extra] = args.positionals;
  if (!domain || extra.length > 0) return fail('give exactly one domain', true);
  const format = values.format ?? 'mermaid';
  if (!(FORMATS as readonly string[]).includes(format))
    return fail(`unknown format "${format}" (use ${FORMATS.join(', ')})`);

  let flows: ConfigFlow[];
  try {
    flows = await registeredFlows(values['data-dir']);
  } catch (error) {
    if (!(error instanceof DataDirInUse)) throw error;
    stderr(`configflow viz: ${error.message}\n`);
    return 1;
  }
  const root = flows.find((f) => f.domain === domain);
  if (!root) return fail(`unknown domain "${domain}" (known: ${flows.map((f) => f.domain).join(', ')})`);
  const flow = values.options ? root.options : root;
  if (!flow) return fail(`the ${domain} flow has no options flow`);
  const sources = Object.keys(flow.sources);
  if (values.flow !== undefined && !sources.includes(values.flow)) {
    const which = values.options ? 'options flow' : 'flow';
    return fail(`the ${domain} ${which} has no source "${values.flow}" (it has ${sources.join(', ')})`);
  }

  const text = await renderFlow(root, {
    format: format as VizFormat,
    ...(values.flow !== undefined ? { source: values.flow } : {}),
    ...(values.options ? { flowKind: 'options' as const } : {}),
  });
  if (values.out) {
    await writeFile(values.out, text);
    stderr(`Wrote ${values.out}\n`);
  } else {
    stdout(text);
  }
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string' },
      flow: { type: 'string' },
      options: { type: 'boolean' },
      out: { type: 'string', short: 'o' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/**
 * The flows the app registers. The app is assembled and closed again: the registry is only built
 * there. Without `--data-dir` it runs on a temporary dir, so drawing never touches real entries.
 */
async function registeredFlows(dataDir: string | undefined): Promise<ConfigFlow[]> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'configflow-viz-')));
  try {
    const app = await createApp({ dataDir: dir });
    try {
      return app.manager.handlerList();
    } finally {
      await app.close();
    }
  } finally {
    if (dataDir === undefined) await rm(dir, { recursive: true, force: true });
  }
}
