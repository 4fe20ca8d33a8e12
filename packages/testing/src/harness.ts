import {
  ConfigEntries,
  type ConfigEntry,
  type ConfigFlow,
  type EntryEvent,
  EntryRuntime,
  type EntryRuntimeOptions,
  type EntryState,
  type EntryStore,
  FakeClock,
  type FlowEvent,
  type FlowFilter,
  FlowManager,
  type FlowResult,
  type FlowStore,
  type Integration,
  type Json,
  type Source,
} from '@configflow/core';
import { type TranslationProblem, TranslationProblems } from '@configflow/forms';
import { addMockEntry, type MockEntryInit } from './mockEntry.ts';
import { resultTranslationProblems, type TranslationCheckOptions } from './translations.ts';

export interface FlowHarnessOptions {
  flows: ConfigFlow[];
  /** With integrations, an `EntryRuntime` sets entries up (created entries are reloaded, i.e. set up). */
  integrations?: Integration<any>[];
  /** Defaults to a new `FakeClock`: nothing expires or retries until the test advances it. */
  clock?: FakeClock;
  store?: FlowStore;
  entryStore?: EntryStore;
  idleTimeoutMs?: number;
  /** Extra runtime options (backoff, loop guard, random). */
  runtime?: Omit<EntryRuntimeOptions, 'manager' | 'integrations' | 'clock' | 'log'>;
  /**
   * Checks every result against the flow's `strings` (on by default, like HA's autouse fixture):
   * a missing text makes the call that returned the result throw `TranslationProblems`.
   */
  translations?: boolean | TranslationCheckOptions;
}

export interface HarnessInitOptions {
  source?: Source;
  entryId?: string;
  data?: Json;
}

export interface FlowHarness {
  readonly manager: FlowManager;
  readonly clock: FakeClock;
  /** Present when the harness was given integrations. */
  readonly runtime: EntryRuntime | undefined;
  /** Every result handed out, and every one a flow reached by itself (a progress step finishing). */
  readonly results: readonly FlowResult[];
  readonly flowEvents: readonly FlowEvent[];
  readonly entryEvents: readonly EntryEvent[];
  /** The entry runtime's log lines. */
  readonly log: readonly string[];
  /** Entry ids reloaded, in order (HA tests assert `mock_setup_entry` calls the same way). */
  readonly reloads: readonly string[];
  init(handler: string, opts?: HarnessInitOptions): Promise<FlowResult>;
  configure(flowId: string, input?: unknown): Promise<FlowResult>;
  abort(flowId: string, reason?: string): Promise<void>;
  /** HA's `MockConfigEntry(...).add_to_hass(hass)`: in the registry, not set up. */
  addMockEntry(init: MockEntryInit): Promise<ConfigEntry>;
  /** HA's `entry.start_reauth_flow(hass)`. */
  startReauth(entry: ConfigEntry | string): Promise<FlowResult>;
  /** HA's `entry.start_reconfigure_flow(hass)`. */
  startReconfigure(entry: ConfigEntry | string): Promise<FlowResult>;
  /** HA's `hass.config_entries.options.async_init(entry.entry_id)`. */
  startOptions(entry: ConfigEntry | string): Promise<FlowResult>;
  /** Sets an entry up through the runtime (needs integrations). */
  setupEntry(entry: ConfigEntry | string): Promise<EntryState>;
  /** Flows in progress. */
  flows(filter?: FlowFilter): ReturnType<FlowManager['list']>;
  entries(domain?: string): ConfigEntry[];
  /** The entry as the registry holds it now. */
  entry(entry: ConfigEntry | string): ConfigEntry;
  /** Waits for background work (progress steps, reloads); throws translation problems seen meanwhile. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const idOf = (entry: ConfigEntry | string) => (typeof entry === 'string' ? entry : entry.entryId);

/** A FlowManager, an entry registry, a fake clock and (optionally) a runtime, wired for tests. */
export function createFlowHarness(opts: FlowHarnessOptions): FlowHarness {
  const clock = opts.clock ?? new FakeClock();
  const entries = new ConfigEntries({ clock, ...(opts.entryStore ? { store: opts.entryStore } : {}) });
  const manager = new FlowManager({
    flows: opts.flows,
    entries,
    clock,
    ...(opts.store ? { store: opts.store } : {}),
    ...(opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: opts.idleTimeoutMs } : {}),
  });
  const log: string[] = [];
  const reloads: string[] = [];
  const results: FlowResult[] = [];
  const flowEvents: FlowEvent[] = [];
  const entryEvents: EntryEvent[] = [];
  const runtime = opts.integrations
    ? new EntryRuntime({
        ...opts.runtime,
        manager,
        integrations: opts.integrations,
        clock,
        log: (line) => log.push(line),
      })
    : undefined;
  // Without a runtime nothing sets entries up; record reloads either way.
  const reloader = entries.reloader;
  entries.reloader = async (entry) => {
    reloads.push(entry.entryId);
    await reloader?.(entry);
  };

  const check =
    opts.translations === false ? undefined : opts.translations === true ? {} : (opts.translations ?? {});
  const pending: TranslationProblem[] = [];
  const seen = (result: FlowResult): TranslationProblem[] => {
    results.push(result);
    if (!check) return [];
    return resultTranslationProblems(manager.getFlowDefinition(result.handler), result, check);
  };
  const throwPending = () => {
    if (pending.length > 0) throw new TranslationProblems(pending.splice(0));
  };

  // A progress step that finishes moves its flow on with nobody calling configure: check that result too.
  const advancing = new Set<string>();
  manager.subscribe((event) => {
    flowEvents.push(event);
    if (event.result.type === 'progress_done') {
      advancing.add(event.flowId);
    } else if (advancing.has(event.flowId) && (event.type === 'progressed' || event.type === 'ended')) {
      advancing.delete(event.flowId);
      pending.push(...seen(event.result));
    }
  });
  entries.subscribe((event) => entryEvents.push(event));

  const ready = (async () => {
    await entries.load();
    await manager.start();
    await runtime?.start();
  })();

  const call = async (op: () => Promise<FlowResult>): Promise<FlowResult> => {
    await ready;
    throwPending();
    const result = await op();
    const problems = seen(result);
    if (problems.length > 0) throw new TranslationProblems(problems);
    return result;
  };
  const start = (source: Source) => (entry: ConfigEntry | string) => {
    const current = entries.require(idOf(entry));
    return call(() => manager.init(current.domain, { source, entryId: current.entryId }));
  };

  return {
    manager,
    clock,
    runtime,
    results,
    flowEvents,
    entryEvents,
    log,
    reloads,
    init: (handler, initOpts = {}) => call(() => manager.init(handler, initOpts)),
    configure: (flowId, input) => call(() => manager.configure(flowId, input)),
    async abort(flowId, reason) {
      await ready;
      await manager.abort(flowId, reason);
    },
    async addMockEntry(init) {
      await ready;
      return addMockEntry(entries, init);
    },
    startReauth: start('reauth'),
    startReconfigure: start('reconfigure'),
    startOptions: start('options'),
    async setupEntry(entry) {
      await ready;
      if (!runtime) throw new Error('setupEntry needs createFlowHarness({ integrations })');
      return runtime.setup(idOf(entry));
    },
    flows: (filter) => manager.list(filter),
    entries: (domain) => entries.list(domain ? { domain } : {}),
    entry: (entry) => entries.require(idOf(entry)),
    async idle() {
      await ready;
      if (runtime) await runtime.idle();
      else await manager.idle();
      throwPending();
    },
    async stop() {
      await ready;
      await runtime?.stop();
      await manager.stop();
    },
  };
}
