import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { ConfigFlow } from '@configflow/core';
import { FORMATS, renderFlow, type VizFormat } from '@configflow/viz';
import { ConfigError } from '../config.ts';
import { projectFlows } from '../project.ts';

const USAGE = `Usage: configflow viz <domain> [options]

Draws a flow of ./configflow.config.ts (or the demo's, with none) as a statechart.

Options:
  --config FILE       the config file (default: configflow.config.* in this directory)
  --format <format>   ${FORMATS.join(', ')} (default mermaid)
  --flow <source>     only the steps this source reaches (user, reauth, reconfigure, …)
  --options           the options flow instead of the config flow
  -o, --out <file>    write to a file instead of stdout
  --data-dir <dir>    the data dir integrations are made with (only read; default: a temporary one)
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
    ({ flows } = await projectFlows({
      ...(values.config !== undefined ? { config: values.config } : {}),
      ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
    }));
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message);
    throw error;
  }
  const root = flows.find((f) => f.domain === domain);
  if (!root) return fail(`unknown domain "${domain}" (known: ${flows.map((f) => f.domain).join(', ')})`);
  const flow = values.options ? root.options : root;
  if (!flow) return fail(`the ${domain} flow has no options flow`);
  const sources = Object.keys(flow.sources);
  if (values.flow !== undefined && !sources.includes(values.flow)) {
    const which = values.options ? 'options flow' : 'flow';
    const hint = values.flow === 'options' && root.options ? '; for the options flow, use --options' : '';
    return fail(
      `the ${domain} ${which} has no source "${values.flow}" (it has ${sources.join(', ')})${hint}`,
    );
  }

  const text = await renderFlow(root, {
    format: format as VizFormat,
    ...(values.flow !== undefined ? { source: values.flow } : {}),
    ...(values.options ? { flowKind: 'options' as const } : {}),
  });
  if (values.out) {
    try {
      await writeFile(values.out, text);
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      const why = code === 'ENOENT' ? 'its directory does not exist' : (error as Error).message;
      stderr(`configflow viz: cannot write ${values.out}: ${why}\n`);
      return 1;
    }
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
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
