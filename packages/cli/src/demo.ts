import type { Integration } from '@configflow/core';
import type { FordSimulator } from '@configflow/ford-simulator';
import type { SharedTokenStorage } from '@configflow/fordpass';
import type { AppSetup } from './app.ts';
import { ConfigError, type IntegrationContext } from './config.ts';

/** Where the demo's FordPass adapter talks to Ford. */
export type FordBackend =
  /** The embedded simulator (the default): started with the app, seeded with a demo account. */
  | { simulator: true; port?: number; host?: string }
  /** One origin serving every Ford role (a simulator started elsewhere, or a recording proxy). */
  | { apiUrl: string };

export const DEMO_ACCOUNT = {
  username: 'demo@example.com',
  password: 'demo',
  region: 'deu',
  // A fixed subject: the account id stays the same for every fresh simulator, so entries from an
  // earlier run can be re-authenticated with the demo account instead of being a "wrong account".
  subject: '5b2c9e3e-1f0a-4c55-9d59-0c3b7f1d2a61',
  vehicles: [
    { vin: '1FMCU9G67LUA00001', model: 'Kuga', year: 2022, nickName: 'Family Kuga' },
    { vin: '3FMTK3SU5MMA00002', model: 'Mustang Mach-E', year: 2023 },
  ],
} as const;

/** The demo's packages are optional peers of the CLI: a user's own config needs none of them. */
async function optional<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new ConfigError(
      `no configflow.config.ts here, and the built-in demo needs ${name}, which is not installed. ` +
        'Write a configflow.config.ts listing your integrations (or run "configflow init <dir>" for a starter), ' +
        'or give one with --config.',
    );
  }
}

/**
 * The simulator keeps its own clock and never moves it by itself. Embedded in a long-running server
 * it follows the wall clock, so tokens expire and the daily request budget resets as they would at Ford.
 */
function followWallClock(sim: FordSimulator): () => void {
  const timer = setInterval(() => {
    const lag = Math.floor(Date.now() / 1000) - sim.clock.now();
    if (lag > 0) sim.clock.advance(lag);
  }, 1000);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * What runs with no config file: the hello example and the FordPass adapter, by default against an
 * embedded Ford simulator seeded with the demo account.
 */
export function demoSetup(
  ford: FordBackend = { simulator: true },
): (ctx: IntegrationContext) => Promise<AppSetup> {
  return async (ctx) => {
    const hello = await optional('@configflow/example-hello', () => import('@configflow/example-hello'));
    const fordpass = await optional('@configflow/fordpass', () => import('@configflow/fordpass'));
    let simulator: FordSimulator | undefined;
    let stopClock = () => {};
    if ('simulator' in ford) {
      const { startFordSimulator } = await optional(
        '@configflow/ford-simulator',
        () => import('@configflow/ford-simulator'),
      );
      simulator = await startFordSimulator({
        ...(ford.port !== undefined ? { port: ford.port } : {}),
        ...(ford.host !== undefined ? { host: ford.host } : {}),
      });
      if (simulator.state.accounts().length === 0)
        simulator.control.createAccount({
          ...DEMO_ACCOUNT,
          vehicles: DEMO_ACCOUNT.vehicles.map((v) => ({ ...v })),
        });
      stopClock = followWallClock(simulator);
    }
    const fordApi = simulator ? simulator.url : (ford as { apiUrl: string }).apiUrl;
    const integrations: Integration[] = [
      hello.createHelloIntegration(),
      fordpass.createFordPassIntegration({
        api: fordpass.sameOrigin(fordApi),
        storageDir: ctx.dataDir,
        ...(ctx.sharedTokens ? { shared: ctx.sharedTokens as SharedTokenStorage } : {}),
      }) as Integration,
    ];
    return {
      integrations,
      banner: simulator
        ? [
            `Ford simulator listening on ${simulator.url}`,
            `Demo account: ${DEMO_ACCOUNT.username} / ${DEMO_ACCOUNT.password}`,
          ]
        : [`Ford API: ${fordApi}`],
      async close() {
        stopClock();
        await simulator?.close();
      },
    };
  };
}
