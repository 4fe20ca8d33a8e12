import { join } from 'node:path';
import {
  AuthFailed,
  ConfigEntries,
  EntryNotReady,
  EntryRuntime,
  FlowManager,
  type Integration,
  JsonFileEntryStore,
  JsonFileFlowStore,
} from '@configflow/core';
import { CannotConnect, createHelloFlow, demoClient, InvalidAuth } from '@configflow/example-hello';
import { type FordSimulator, startFordSimulator } from '@configflow/ford-simulator';
import { createFordPassIntegration, sameOrigin } from '@configflow/fordpass';
import { lockDataDir } from './dataDirLock.ts';

/** Where the FordPass adapter talks to Ford. */
export type FordBackend =
  /** The embedded simulator (the default): started with the app, seeded with a demo account. */
  | { simulator: true; port?: number; host?: string }
  /** One origin serving every Ford role (a simulator started elsewhere, or a recording proxy). */
  | { apiUrl: string };

export interface AppOptions {
  /** Where entries, in-progress flows and token stores live (default `.configflow`). */
  dataDir: string;
  log?: (line: string) => void;
  /** Default: the embedded simulator. */
  ford?: FordBackend;
}

/** One configflow process: the registry, the flow manager and the entry runtime over one data dir. */
export interface App {
  manager: FlowManager;
  entries: ConfigEntries;
  runtime: EntryRuntime;
  integrations: Integration[];
  /** The embedded Ford simulator, when the app started one. */
  simulator: FordSimulator | undefined;
  /** The origin the FordPass adapter talks to. */
  fordApi: string;
  close(): Promise<void>;
}

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

/** The hello example as an integration: a demo device; its client's failures as the runtime's kinds. */
function helloIntegration(): Integration {
  const connect = async (host: unknown, token: unknown) => {
    try {
      return await demoClient.connect(String(host), String(token));
    } catch (error) {
      if (error instanceof InvalidAuth) throw new AuthFailed(error.message);
      if (error instanceof CannotConnect) throw new EntryNotReady(error.message);
      throw error;
    }
  };
  return {
    flow: createHelloFlow({ client: demoClient }),
    setup: (entry) => connect(entry.data.host, entry.data.apiToken),
    async poll(entry) {
      const device = await connect(entry.data.host, entry.data.apiToken);
      return { online: true, name: device.name };
    },
    pollInterval: (entry) => Number(entry.options.scanInterval ?? 60) * 1000,
  };
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

async function startEmbeddedSimulator(backend: { port?: number; host?: string }): Promise<FordSimulator> {
  const sim = await startFordSimulator({
    ...(backend.port !== undefined ? { port: backend.port } : {}),
    ...(backend.host !== undefined ? { host: backend.host } : {}),
  });
  if (sim.state.accounts().length === 0) {
    sim.control.createAccount({
      ...DEMO_ACCOUNT,
      vehicles: DEMO_ACCOUNT.vehicles.map((v) => ({ ...v })),
    });
  }
  return sim;
}

/** Rejects with `DataDirInUse` when another configflow process runs on the same data dir. */
export async function createApp(opts: AppOptions): Promise<App> {
  const unlock = await lockDataDir(opts.dataDir);
  const backend = opts.ford ?? { simulator: true };
  let simulator: FordSimulator | undefined;
  let stopClock = () => {};
  try {
    simulator = 'simulator' in backend ? await startEmbeddedSimulator(backend) : undefined;
    if (simulator) stopClock = followWallClock(simulator);
    const fordApi = simulator ? simulator.url : (backend as { apiUrl: string }).apiUrl;
    const integrations: Integration[] = [
      helloIntegration(),
      createFordPassIntegration({ api: sameOrigin(fordApi), storageDir: opts.dataDir }) as Integration,
    ];
    const entries = new ConfigEntries({ store: new JsonFileEntryStore(join(opts.dataDir, 'entries.json')) });
    await entries.load();
    const manager = new FlowManager({
      flows: integrations.map((i) => i.flow),
      entries,
      store: new JsonFileFlowStore(join(opts.dataDir, 'flows.json')),
    });
    const runtime = new EntryRuntime({ manager, integrations, ...(opts.log ? { log: opts.log } : {}) });
    await manager.start();
    await runtime.start();
    return {
      manager,
      entries,
      runtime,
      integrations,
      simulator,
      fordApi,
      async close() {
        await runtime.stop();
        await manager.stop();
        await entries.flush();
        stopClock();
        await simulator?.close();
        await unlock();
      },
    };
  } catch (error) {
    stopClock();
    await simulator?.close();
    await unlock();
    throw error;
  }
}
