/** `configflow <command> [...]`: each command is a module of its own under `commands/`. */
const COMMANDS: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  serve: () => import('./commands/serve.ts'),
  run: () => import('./commands/run.ts'),
  viz: () => import('./commands/viz.ts'),
};

const USAGE = `Usage: configflow <command> [options]

Commands:
  serve   Start the flow server, web UI and (by default) the embedded Ford simulator
  run     Run a config flow in the terminal
  viz     Draw a flow as a statechart (mermaid, dot, svg, html, json)

Run "configflow <command> --help" for the options of a command.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 1;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`configflow: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  return (await load()).run(rest);
}
