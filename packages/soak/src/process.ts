import { join } from 'node:path';
import {
  ConfigEntries,
  EntryRuntime,
  FlowManager,
  JsonFileEntryStore,
  JsonFileFlowStore,
} from '@configflow/core';
import type { FordSimulator } from '@configflow/ford-simulator';
import { createFordPassIntegration, type FordPassIntegration, sameOrigin } from '@configflow/fordpass';
import type { ProcessClock, WorldClock } from './clock.ts';
import type { Ledger } from './ledger.ts';
import { instrumentedFetch, type WireProcess } from './wire.ts';

/** One configflow process over the data dir: what a crash throws away and a restart builds anew. */
export interface AppProcess extends WireProcess {
  readonly id: number;
  readonly clock: ProcessClock;
  readonly integration: FordPassIntegration;
  readonly entries: ConfigEntries;
  readonly manager: FlowManager;
  readonly runtime: EntryRuntime;
}

export interface BootOptions {
  id: number;
  sim: FordSimulator;
  world: WorldClock;
  ledger: Ledger;
  dataDir: string;
  budgetPerDay: number;
  random: () => number;
  /**
   * Workaround for core bug B1 (docs/soak.md): after a crash the entries file still says `loaded`, and
   * `EntryRuntime.start()` skips loaded entries, so nothing would poll again. A host resets the states.
   */
  /** Wired before anything starts, so no reauth flow created during `start()` is missed. */
  observe(proc: AppProcess): void;
}

/** Builds a process the way the CLI's app does (JSON-file stores), with the soak's clock and wire. */
export async function bootProcess(opts: BootOptions): Promise<AppProcess> {
  const clock = opts.world.forProcess();
  const wire: WireProcess = { dead: false, crashOnRefresh: undefined, onKilled: () => clock.kill() };
  const integration = createFordPassIntegration({
    api: sameOrigin(opts.sim.url),
    storageDir: opts.dataDir,
    clock,
    fetch: instrumentedFetch(wire, opts.ledger, () => opts.world.now()),
    requestsPerDay: opts.budgetPerDay,
  });
  const entries = new ConfigEntries({
    store: new JsonFileEntryStore(join(opts.dataDir, 'entries.json')),
    clock,
  });
  await entries.load();
  const manager = new FlowManager({
    flows: [integration.flow],
    entries,
    store: new JsonFileFlowStore(join(opts.dataDir, 'flows.json')),
    clock,
  });
  const runtime = new EntryRuntime({ manager, integrations: [integration], clock, random: opts.random });
  // The wire's state object is the process: a crash flips `dead` on it from inside a request.
  const proc = Object.assign(wire, {
    id: opts.id,
    clock,
    integration,
    entries,
    manager,
    runtime,
  }) as AppProcess;
  opts.observe(proc);
  await manager.start();
  await runtime.start();
  return proc;
}

/**
 * Kills a process without a graceful stop: its timers never fire again and its requests fail from now
 * on. Work already running unwinds (so the account locks it holds are released), as the kernel would
 * finish disk writes already issued; nothing it does from here reaches Ford.
 */
export async function killProcess(proc: AppProcess): Promise<void> {
  proc.dead = true;
  proc.clock.kill();
  await Promise.race([
    (async () => {
      await proc.runtime.idle();
      await proc.entries.flush();
    })(),
    new Promise((resolve) => setTimeout(resolve, 5_000).unref()),
  ]);
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}
