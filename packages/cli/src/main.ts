import { readFile } from 'node:fs/promises';

/** `configflow <command> [...]`: each command is a module of its own under `commands/`. */
const COMMANDS: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  serve: () => import('./commands/serve.ts'),
  run: () => import('./commands/run.ts'),
  viz: () => import('./commands/viz.ts'),
  init: () => import('./commands/init.ts'),
};

const USAGE = `Usage: configflow <command> [options]

Commands:
  serve   Start the flow server and web UI for the integrations of configflow.config.ts
  run     Run a config flow in the terminal
  viz     Draw a flow as a statechart (mermaid, dot, svg, html, json)
  init    Write a new integration package (a flow, its strings, an integration, tests)
  help    Show this help and the integrations the config in this directory serves

Without a configflow.config.ts (or .mts, .js, .mjs) here, serve, run and viz use the demo:
hello, FordPass and an embedded Ford simulator.

Run "configflow <command> --help" for the options of a command; "configflow --version" for the version.`;

async function version(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** The domains this directory's project serves, for `help`; a broken config is said, not thrown. */
async function integrationsLine(): Promise<string> {
  const { listDomains } = await import('./listDomains.ts');
  return listDomains();
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${await version()}\n`);
    return 0;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n\n${await integrationsLine()}\n`);
    return 0;
  }
  if (!name) {
    process.stderr.write(`configflow: give a command\n\n${USAGE}\n`);
    return 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`configflow: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  return (await load()).run(rest);
}
