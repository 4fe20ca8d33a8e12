import { parseArgs } from 'node:util';
import { ConfigError, isStoreOption, type StoreOption } from '../config.ts';
import { DataDirInUse } from '../dataDirLock.ts';
import type { FordBackend } from '../demo.ts';
import { loadProject } from '../project.ts';

// The server and the app are imported once the arguments are known: a usage error answers at once.
const DEFAULT_PORT = 8123;
const DEFAULT_HOST = '127.0.0.1';

export const USAGE = `Usage: configflow serve [options]

Starts the flow server: the HTTP API under /api, server-sent events, and the web UI at /.
Serves the integrations of ./configflow.config.ts (or .mts, .js, .mjs); with none, the demo
(hello, FordPass and an embedded Ford simulator).

Options:
  --config FILE        the config file (default: configflow.config.* in this directory)
  --port N             TCP port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDR          interface to bind (default ${DEFAULT_HOST}: this machine only)
  --data-dir DIR       entries, flows in progress and token stores (default .configflow)
  --store STORE        file (JSON in the data dir, the default), memory, or postgres://…
                       (several servers on one PostgreSQL: see docs/deployment.md)
  --token T            require "Authorization: Bearer T" on /api (or set CONFIGFLOW_TOKEN)
  --allowed-host NAME  a host name browsers may use besides loopback ones (repeatable)
  --allow-remote-without-token
                       serve a non-loopback --host with no token (refused otherwise)
  --simulator          demo: use the embedded Ford simulator (the default without --ford-api)
  --simulator-port N   demo: port for the embedded simulator (default: a free one)
  --ford-api URL       demo: talk to Ford at this origin instead (e.g. a simulator started elsewhere)
  -h, --help           show this help`;

class UsageError extends Error {}

function port(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--${name} must be a port number (0-65535)`);
  return n;
}

function fordBackend(values: ReturnType<typeof parse>['values']): FordBackend {
  if (values.simulator && values['ford-api']) throw new UsageError('use either --simulator or --ford-api');
  if (values['ford-api']) {
    let url: URL;
    try {
      url = new URL(values['ford-api']);
    } catch {
      throw new UsageError('--ford-api must be a URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError('--ford-api must be http(s)');
    return { apiUrl: url.origin };
  }
  const simulatorPort = port('simulator-port', values['simulator-port']);
  return { simulator: true, ...(simulatorPort !== undefined ? { port: simulatorPort } : {}) };
}

/** `configflow serve`: runs until SIGINT or SIGTERM, then shuts down gracefully. */
export async function run(argv: string[]): Promise<number> {
  const fail = (message: string, usage = true) => {
    process.stderr.write(`configflow serve: ${message}\n${usage ? `\n${USAGE}\n` : ''}`);
    return 2;
  };
  let values: ReturnType<typeof parse>['values'];
  let ford: FordBackend;
  let flagPort: number | undefined;
  try {
    values = parse(argv).values;
    ford = fordBackend(values);
    flagPort = port('port', values.port);
    if (values.token === '') throw new UsageError('--token must not be empty');
    if (values.store !== undefined && !isStoreOption(values.store))
      throw new UsageError('--store must be file, memory or a postgres:// URL');
  } catch (error) {
    return fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let project: Awaited<ReturnType<typeof loadProject>>;
  try {
    project = await loadProject({
      ...(values.config !== undefined ? { config: values.config } : {}),
      ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
      ford,
    });
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message, false);
    throw error;
  }
  const { config } = project;
  const token = values.token ?? (process.env.CONFIGFLOW_TOKEN || undefined) ?? config.auth?.token;
  const allowedHosts = [...(config.auth?.allowedHosts ?? []), ...(values['allowed-host'] ?? [])];

  const [{ createApp }, { startServer, exposureProblem, logLines }] = await Promise.all([
    import('../app.ts'),
    import('@configflow/server'),
  ]);
  const host = values.host ?? config.host ?? DEFAULT_HOST;
  const allowRemoteWithoutToken = values['allow-remote-without-token'] === true;
  // Anything beyond loopback must present a token, unless the user says otherwise out loud.
  const problem = exposureProblem({ host, token, allowRemoteWithoutToken });
  if (problem) return fail(problem, false);
  // Entry titles reach these lines: each is escaped, so none can forge another or drive the terminal.
  const log = logLines((text) => process.stderr.write(text));
  let app: Awaited<ReturnType<typeof createApp>>;
  try {
    app = await createApp({
      dataDir: project.dataDir,
      setup: project.setup,
      ...((values.store ?? config.store) ? { store: (values.store as StoreOption) ?? config.store } : {}),
      log,
    });
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message, false);
    if (!(error instanceof DataDirInUse)) throw error;
    process.stderr.write(`configflow serve: ${error.message}\n`);
    return 1;
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      app,
      port: flagPort ?? config.port ?? DEFAULT_PORT,
      host,
      ...(token ? { token } : {}),
      allowRemoteWithoutToken,
      ...(allowedHosts.length ? { allowedHosts } : {}),
      log,
    });
  } catch (error) {
    await app.close();
    process.stderr.write(`configflow serve: cannot listen: ${(error as Error).message}\n`);
    return 1;
  }

  // Listening before "listening" is printed: a signal sent the moment a supervisor reads that line
  // must shut down gracefully. They stay on while shutting down: Ctrl-C under `pnpm start` arrives
  // twice (from the terminal and forwarded by pnpm), and a second, unhandled SIGINT would kill the
  // process mid-flush.
  const stopped = new Promise<NodeJS.Signals>((done) => {
    process.on('SIGINT', () => done('SIGINT'));
    process.on('SIGTERM', () => done('SIGTERM'));
  });
  for (const line of app.banner) process.stdout.write(`${line}\n`);
  if (project.file) process.stdout.write(`Config: ${project.file}\n`);
  process.stdout.write(`Data dir: ${app.dataDir}\n`);
  if (token) process.stdout.write('API token required (Authorization: Bearer …)\n');
  process.stdout.write(`configflow listening on ${server.url}\n`);

  const signal = await stopped;
  process.stdout.write(`Received ${signal}, shutting down\n`);
  // Stop taking requests first, then let flows and entries persist, then what the setup started.
  await server.close();
  await app.close();
  process.stdout.write('Stopped\n');
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      store: { type: 'string' },
      token: { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
      'allow-remote-without-token': { type: 'boolean' },
      simulator: { type: 'boolean' },
      'simulator-port': { type: 'string' },
      'ford-api': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
}
