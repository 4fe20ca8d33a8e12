import { parseArgs } from 'node:util';
import { startFordSimulator } from './server.ts';

const USAGE = `Usage: configflow-ford-simulator [options]

Runs the local Ford API simulator until SIGINT/SIGTERM.

Options:
  --port N             TCP port (default 0: any free port)
  --host ADDR          interface to bind (default 127.0.0.1)
  --budget N           requests per account per simulated day (default 250; "unlimited" disables)
  --start-time S       initial simulated time, epoch seconds (default now)
  --command-seconds S  simulated seconds until a command completes (default 10)
  --demo               create account demo@example.com / demo with two vehicles
  -h, --help           show this help
`;

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${name} must be a non-negative number`);
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      budget: { type: 'string' },
      'start-time': { type: 'string' },
      'command-seconds': { type: 'string' },
      demo: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const budget = values.budget === 'unlimited' ? Number.POSITIVE_INFINITY : number('budget', values.budget);
  const port = number('port', values.port);
  const startTime = number('start-time', values['start-time']);
  const commandSeconds = number('command-seconds', values['command-seconds']);
  const simulator = await startFordSimulator({
    ...(port !== undefined ? { port } : {}),
    ...(values.host ? { host: values.host } : {}),
    ...(budget !== undefined ? { requestBudgetPerDay: budget } : {}),
    ...(startTime !== undefined ? { startTime } : {}),
    ...(commandSeconds !== undefined ? { commandSeconds } : {}),
  });
  if (values.demo) {
    simulator.control.createAccount({
      username: 'demo@example.com',
      password: 'demo',
      region: 'deu',
      vehicles: [
        { vin: '1FMCU9G67LUA00001', model: 'Kuga', year: 2022, nickName: 'Family Kuga' },
        { vin: '3FMTK3SU5MMA00002', model: 'Mustang Mach-E', year: 2023 },
      ],
    });
    process.stdout.write('Demo account: demo@example.com / demo\n');
  }
  process.stdout.write(`Ford simulator listening on ${simulator.url}\n`);

  const stop = (signal: string) => {
    process.stdout.write(`Received ${signal}, shutting down\n`);
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
});
