import { parseArgs } from 'node:util';
import type { FlowResult, Source } from '@configflow/core';
import { type App, createApp } from '../app.ts';
import { ConfigError } from '../config.ts';
import { DataDirInUse } from '../dataDirLock.ts';
import { loadProject, type Project } from '../project.ts';
import type { TerminalIO } from '../terminal/io.ts';
import { clackIO } from '../terminal/prompts.ts';
import { runFlow } from '../terminal/runFlow.ts';

const USAGE = `Usage: configflow run <domain> [options]

Runs a config flow of ./configflow.config.ts (or the demo's, with none) in the terminal, on the
same data dir as "configflow serve". While a server runs on that data dir, use its web UI, or stop it,
or give "run" a data dir of its own with --data-dir.

Options:
  --config FILE       the config file (default: configflow.config.* in this directory)
  --source <source>   user (default), reauth, reconfigure or options
  --entry <id>        the entry a reauth, reconfigure or options flow is about
  --data-dir <dir>    where entries and flows are stored (default: the config's, or .configflow)
  --locale <locale>   language of the flow's texts (default en)
  -h, --help          show this help

Exit codes: 0 entry created or updated, 1 the flow aborted or failed, 2 bad usage, 130 Ctrl-C.`;

const ENTRY_SOURCES: readonly string[] = ['reauth', 'reconfigure', 'options'];

export interface RunDeps {
  /** The terminal to draw on (tests pass a scripted one); default: @clack/prompts on stdin/stdout. */
  io?: (signal: AbortSignal) => TerminalIO;
  stderr?: (text: string) => void;
}

export async function run(argv: string[], deps: RunDeps = {}): Promise<number> {
  const stderr = deps.stderr ?? ((text: string) => process.stderr.write(text));
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    stderr(`configflow run: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [domain, ...extra] = args.positionals;
  if (!domain || extra.length > 0) {
    stderr(`configflow run: give exactly one domain\n\n${USAGE}\n`);
    return 2;
  }
  const source = (args.values.source ?? 'user') as Source;
  const entryId = args.values.entry;

  let project: Project;
  try {
    project = await loadProject({
      ...(args.values.config !== undefined ? { config: args.values.config } : {}),
      ...(args.values['data-dir'] !== undefined ? { dataDir: args.values['data-dir'] } : {}),
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    stderr(`configflow run: ${error.message}\n`);
    return 2;
  }
  if (!deps.io && !process.stdin.isTTY) {
    stderr('configflow run: needs an interactive terminal (stdin is not a TTY)\n');
    return 2;
  }
  let app: App;
  try {
    app = await createApp({
      dataDir: project.dataDir,
      setup: project.setup,
      ...(project.config.store ? { store: project.config.store } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      stderr(`configflow run: ${error.message}\n`);
      return 2;
    }
    if (!(error instanceof DataDirInUse)) throw error;
    stderr(
      `configflow run: ${error.message}\n(Is "configflow serve" running? Continue in its web UI, stop it, ` +
        'or run with --data-dir <another dir>.)\n',
    );
    return 1;
  }
  for (const line of app.banner) stderr(`${line}\n`);
  const controller = new AbortController();
  // Outside a prompt (a progress step, a slow submit) Ctrl-C is a SIGINT: abort the flow, not the process.
  const onSigint = () => controller.abort();
  process.on('SIGINT', onSigint);
  try {
    const problem = checkTarget(app, domain, source, entryId);
    if (problem) {
      stderr(`configflow run: ${problem}\n`);
      return 2;
    }
    const io = deps.io ? deps.io(controller.signal) : clackIO({ signal: controller.signal });
    const outcome = await runFlow({
      manager: app.manager,
      handler: domain,
      source,
      ...(entryId !== undefined ? { entryId } : {}),
      io,
      signal: controller.signal,
      ...(args.values.locale ? { locale: args.values.locale } : {}),
      ...(source === 'reauth' ? { open: () => openReauth(app, entryId!) } : {}),
    });
    if (outcome.type === 'cancelled') return 130;
    if (outcome.type === 'abort') return outcome.ok ? 0 : 1;
    return 0;
  } catch (error) {
    stderr(`configflow run: ${(error as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    await app.close();
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      source: { type: 'string' },
      entry: { type: 'string' },
      'data-dir': { type: 'string' },
      config: { type: 'string' },
      locale: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** What is wrong with running `source` for `domain` (and the entry), said so the user can fix it. */
function checkTarget(app: App, domain: string, source: string, entryId: string | undefined) {
  const flows = app.manager.handlerList();
  const flow = flows.find((f) => f.domain === domain);
  if (!flow) return `unknown domain "${domain}" (known: ${flows.map((f) => f.domain).join(', ')})`;
  const sources = [...Object.keys(flow.sources), ...(flow.options ? ['options'] : [])];
  if (!sources.includes(source))
    return `the ${domain} flow has no source "${source}" (it has ${sources.join(', ')})`;
  if (!ENTRY_SOURCES.includes(source))
    return entryId === undefined ? undefined : `--entry is for ${ENTRY_SOURCES.join(', ')}`;
  const entries = app.entries.list({ domain });
  const known = entries.length
    ? `${domain} entries: ${entries.map((e) => `${e.entryId} (${e.title})`).join(', ')}`
    : `there are no ${domain} entries`;
  if (entryId === undefined) return `--source ${source} needs --entry <id>; ${known}`;
  if (!entries.some((e) => e.entryId === entryId)) return `no ${domain} entry "${entryId}"; ${known}`;
  return undefined;
}

/** A reauth goes through the runtime: one reauth per entry, so an open one is resumed, not doubled. */
async function openReauth(app: App, entryId: string): Promise<FlowResult> {
  const result = await app.runtime.requestReauth(entryId, { manual: true });
  if (!result) throw new Error(`no reauth flow could be opened for entry ${entryId}`);
  return result;
}
