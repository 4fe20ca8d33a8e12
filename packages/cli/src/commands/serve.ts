import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { FordBackend } from '../app.ts';
import { DataDirInUse } from '../dataDirLock.ts';

// The server and the app are imported once the arguments are known: a usage error answers at once.
const DEFAULT_PORT = 8123;
const DEFAULT_HOST = '127.0.0.1';

const USAGE = `Usage: configflow serve [options]

Starts the flow server: the HTTP API under /api, server-sent events, and the web UI at /.

Options:
  --port N             TCP port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDR          interface to bind (default ${DEFAULT_HOST}: this machine only)
  --data-dir DIR       entries, flows in progress and token stores (default .configflow)
  --simulator          use the embedded Ford simulator (the default without --ford-api)
  --simulator-port N   port for the embedded simulator (default: a free one)
  --ford-api URL       talk to Ford at this origin instead (e.g. a simulator started elsewhere)
  --token T            require "Authorization: Bearer T" on /api (or set CONFIGFLOW_TOKEN)
  -h, --help           show this help`;

function port(name: string, value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--${name} must be a port number (0-65535)`);
  return n;
}

class UsageError extends Error {}

/** `configflow serve`: runs until SIGINT or SIGTERM, then shuts down gracefully. */
export async function run(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    process.stderr.write(`configflow serve: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let ford: FordBackend;
  let listenPort: number;
  try {
    if (values.simulator && values['ford-api']) throw new UsageError('use either --simulator or --ford-api');
    listenPort = port('port', values.port, DEFAULT_PORT)!;
    const simulatorPort = port('simulator-port', values['simulator-port'], undefined);
    if (values['ford-api']) {
      const url = new URL(values['ford-api']);
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new UsageError('--ford-api must be http(s)');
      ford = { apiUrl: url.origin };
    } else {
      ford = { simulator: true, ...(simulatorPort !== undefined ? { port: simulatorPort } : {}) };
    }
  } catch (error) {
    process.stderr.write(`configflow serve: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const token = values.token ?? process.env.CONFIGFLOW_TOKEN ?? undefined;
  const dataDir = resolve(values['data-dir'] ?? '.configflow');

  const [{ createApp, DEMO_ACCOUNT }, { startServer }] = await Promise.all([
    import('../app.ts'),
    import('@configflow/server'),
  ]);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let app: Awaited<ReturnType<typeof createApp>>;
  try {
    app = await createApp({ dataDir, ford, log });
  } catch (error) {
    if (!(error instanceof DataDirInUse)) throw error;
    process.stderr.write(`configflow serve: ${error.message}\n`);
    return 1;
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      app,
      port: listenPort,
      host: values.host ?? DEFAULT_HOST,
      ...(token ? { token } : {}),
      log,
    });
  } catch (error) {
    await app.close();
    process.stderr.write(`configflow serve: cannot listen: ${(error as Error).message}\n`);
    return 1;
  }

  if (app.simulator) {
    process.stdout.write(`Ford simulator listening on ${app.simulator.url}\n`);
    process.stdout.write(`Demo account: ${DEMO_ACCOUNT.username} / ${DEMO_ACCOUNT.password}\n`);
  } else {
    process.stdout.write(`Ford API: ${app.fordApi}\n`);
  }
  process.stdout.write(`Data dir: ${dataDir}\n`);
  if (token) process.stdout.write('API token required (Authorization: Bearer …)\n');
  process.stdout.write(`configflow listening on ${server.url}\n`);

  const signal = await new Promise<NodeJS.Signals>((done) => {
    process.once('SIGINT', () => done('SIGINT'));
    process.once('SIGTERM', () => done('SIGTERM'));
  });
  process.stdout.write(`Received ${signal}, shutting down\n`);
  // Stop taking requests first, then let flows and entries persist, then the simulator.
  await server.close();
  await app.close();
  process.stdout.write('Stopped\n');
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      simulator: { type: 'boolean' },
      'simulator-port': { type: 'string' },
      'ford-api': { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
}
