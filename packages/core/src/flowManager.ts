import { type AnyStateMachine, createActor, type InspectionEvent } from 'xstate';
import { CachedActor, type FlowActor } from './cachedActor.ts';
import { type Clock, systemClock } from './clock.ts';
import { compileMachine, type FlowEvent as MachineEvent, STEP_DONE, STEP_FAILED } from './compileMachine.ts';
import { ConfigEntries, UniqueIdTaken } from './configEntries.ts';
import type { ConfigEntry } from './configEntry.ts';
import type { ConfigFlow } from './defineConfigFlow.ts';
import {
  FlowError,
  InvalidFlowData,
  InvalidInput,
  TooManyFlows,
  UnknownFlow,
  UnknownHandler,
  UnknownStep,
  UnsupportedSource,
} from './errors.ts';
import type { FlowHost } from './flowHost.ts';
import { type FlowRecord, type FlowStore, MemoryFlowStore } from './flowStore.ts';
import { randomId } from './ids.ts';
import type { FlowMachineContext, FlowMachineInput } from './machineContext.ts';
import type { Outcome } from './outcome.ts';
import { renderResult } from './renderResult.ts';
import { DEFAULT_DISCOVERY_UNIQUE_ID, runStep } from './stepRunner.ts';
import { TransitionCache } from './transitionCache.ts';
import type { EntrySummary, FlowResult, Json, Source } from './types.ts';

export type FlowEventType = 'created' | 'progressed' | 'progress' | 'ended';
export interface FlowEvent {
  type: FlowEventType;
  flowId: string;
  handler: string;
  source: Source;
  /** The entry a reauth, reconfigure or options flow is about. */
  entryId?: string;
  /** The flow's result after the change (for `progress`: the current progress result). */
  result: FlowResult;
  /** Set on an event another instance sharing the store reported (see `applyRemote`). */
  remote?: boolean;
}

export interface FlowManagerOptions {
  flows: ConfigFlow[];
  entries?: ConfigEntries;
  store?: FlowStore;
  clock?: Clock;
  /** Abandoned flows are removed after this much idle time (default 1 hour; 0 = never). */
  idleTimeoutMs?: number;
  /** How many flows stay live XState actors; the rest wait as persisted snapshots. */
  liveFlows?: number;
  /**
   * XState inspection for every flow actor (e.g. `@statelyai/inspect` behind viz's sanitising
   * `createSanitizedInspector`, so secrets never leave the process).
   */
  inspect?: (event: InspectionEvent) => void;
  /** Flows in progress at most, overall (default 2,000); one more start throws `TooManyFlows`. */
  maxFlows?: number;
  /** Flows in progress at most for one handler (default 1,000). */
  maxFlowsPerHandler?: number;
  /** A start's `data` at most, as JSON bytes (default 16 KiB) and nesting depth (default 32). */
  maxDataBytes?: number;
  maxDataDepth?: number;
}

export const FLOW_LIMITS = {
  maxFlows: 2_000,
  maxFlowsPerHandler: 1_000,
  maxDataBytes: 16 * 1024,
  maxDataDepth: 32,
};

export interface FlowFilter {
  handler?: string;
  source?: Source;
  entryId?: string;
  /** Only flows started with data this accepts (e.g. the same discovery payload). */
  initData?: (data: Json) => boolean;
  /** Also flows whose first step is still running (Home Assistant hides them by default). */
  includeUninitialized?: boolean;
}

const SINGLE_INSTANCE_ALLOWED = 'single_instance_allowed';

/** A flow whose actor is running: the ones a user is stepping through right now. */
interface LiveFlow {
  actor: FlowActor;
  flow: ConfigFlow;
  record: FlowRecord;
  /** Aborts a progress step's work, running while the flow waits at that step. */
  progress?: AbortController;
}

const runningSubstate = (value: unknown) =>
  typeof value === 'object' && value !== null && Object.values(value).some((v) => v === 'running');

/**
 * Runs many config flows at once. Live flows are XState actors; idle ones are held as persisted
 * snapshots (about a tenth of an actor's heap) and revived on their next step.
 */
export class FlowManager {
  readonly entries: ConfigEntries;
  private readonly handlers = new Map<string, ConfigFlow>();
  private readonly machines = new Map<ConfigFlow, AnyStateMachine>();
  private readonly transitions = new Map<ConfigFlow, TransitionCache>();
  private readonly store: FlowStore;
  private readonly clock: Clock;
  private readonly idleTimeoutMs: number;
  private readonly liveLimit: number;
  private readonly inspect: ((event: InspectionEvent) => void) | undefined;
  /** Every flow in progress, by id: the store's record (snapshot included for non-durable stores). */
  private readonly index = new Map<string, FlowRecord>();
  private readonly live = new Map<string, LiveFlow>();
  /** `handler \0 uniqueId` → flow ids: unique-id checks stay O(1) with 100,000 flows in progress. */
  private readonly byUniqueId = new Map<string, Set<string>>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly progressFraction = new Map<string, number>();
  /** Flows whose first step has not produced a result yet: not listed by default. */
  private readonly initializing = new Set<string>();
  /**
   * Ends reached in the background (a progress step's work finished): the result waits for the
   * client's next read, as Home Assistant's `progress_done` waits for the frontend's refresh.
   */
  private readonly uncollected = new Map<string, { result: FlowResult; endedAt: number }>();
  private readonly listeners = new Set<(event: FlowEvent) => void>();
  /** Flows whose progress work finished on another instance: an end that follows waits for a read. */
  private readonly remoteDone = new Set<string>();
  private sweepTimer: unknown;
  private readonly host: FlowHost;
  private readonly limits: typeof FLOW_LIMITS;
  /** Flows in progress per handler, for the per-handler cap. */
  private readonly perHandler = new Map<string, number>();

  constructor(opts: FlowManagerOptions) {
    this.entries = opts.entries ?? new ConfigEntries({ clock: opts.clock });
    this.store = opts.store ?? new MemoryFlowStore();
    this.clock = opts.clock ?? systemClock;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 60 * 60 * 1000;
    this.liveLimit = opts.liveFlows ?? 64;
    this.inspect = opts.inspect;
    this.limits = {
      maxFlows: opts.maxFlows ?? FLOW_LIMITS.maxFlows,
      maxFlowsPerHandler: opts.maxFlowsPerHandler ?? FLOW_LIMITS.maxFlowsPerHandler,
      maxDataBytes: opts.maxDataBytes ?? FLOW_LIMITS.maxDataBytes,
      maxDataDepth: opts.maxDataDepth ?? FLOW_LIMITS.maxDataDepth,
    };
    this.host = this.makeHost();
    for (const flow of opts.flows) this.register(flow);
  }

  register(flow: ConfigFlow): void {
    if (this.handlers.has(flow.domain))
      throw new FlowError('duplicate_handler', `Handler "${flow.domain}" twice`);
    this.handlers.set(flow.domain, flow);
  }

  handlerList(): ConfigFlow[] {
    return [...this.handlers.values()];
  }

  getFlowDefinition(handler: string): ConfigFlow {
    const flow = this.handlers.get(handler);
    if (!flow) throw new UnknownHandler(handler);
    return flow;
  }

  /** Loads stored flows (after a restart), resumes progress work, and starts the idle sweep. */
  async start(): Promise<void> {
    for (const record of await this.store.loadAll()) {
      const flow = this.definitionFor(record);
      if (!flow || flow.version !== record.version) {
        // The definition changed shape since the flow was saved: resuming could land on a missing step.
        await this.store.delete(record.flowId);
        continue;
      }
      this.indexRecord(record);
    }
    for (const record of this.index.values()) {
      const flow = this.definitionFor(record)!;
      if (flow.steps[record.stepId]?.kind === 'progress') await this.revive(record.flowId);
    }
    this.scheduleSweep();
  }

  async stop(): Promise<void> {
    if (this.sweepTimer !== undefined) this.clock.clearTimeout(this.sweepTimer);
    // Steps in flight finish and are saved first; progress work is aborted and restarts with the flow.
    await Promise.allSettled([...this.queues.values()]);
    for (const id of [...this.live.keys()]) await this.evict(id);
    await this.store.flush?.();
  }

  subscribe(listener: (event: FlowEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts a flow. The source picks the initial step; reauth, reconfigure and options need an entry. */
  async init(
    handler: string,
    opts: { source?: Source; entryId?: string; data?: Json; context?: Record<string, unknown> } = {},
  ): Promise<FlowResult> {
    const root = this.getFlowDefinition(handler);
    const source = opts.source ?? 'user';
    if (source === 'ignore') return this.ignore(root, opts.data);
    const flow = source === 'options' ? root.options : root;
    if (!flow?.sources[source]) throw new UnsupportedSource(handler, source);
    if (root.singleInstance && source !== 'reauth' && source !== 'reconfigure' && source !== 'options') {
      // Home Assistant's rule: an ignored entry blocks discoveries, never a user's own setup.
      const entries = this.entries.list({ domain: handler });
      if (entries.some((e) => e.source !== 'ignore' || source !== 'user'))
        return { ...this.singleInstanceAbort(handler, source), stepId: flow.sources[source]! };
    }
    // Checked before anything is created: a refused start leaves the manager as it was.
    this.checkLimits(handler, opts.data);
    if (source === 'reauth' || source === 'reconfigure' || source === 'options') {
      if (!opts.entryId) throw new FlowError('entry_required', `A ${source} flow needs an entryId`);
      const entry = this.entries.require(opts.entryId);
      if (entry.domain !== handler)
        throw new FlowError('entry_mismatch', `Entry ${opts.entryId} is not a ${handler} entry`);
    }
    const flowId = randomId();
    const record: FlowRecord = {
      flowId,
      handler,
      kind: flow.kind,
      version: flow.version,
      source,
      stepId: flow.sources[source]!,
      snapshot: '',
      updatedAt: this.clock.now(),
      startedAt: this.clock.now(),
    };
    if (opts.entryId !== undefined) record.entryId = opts.entryId;
    if (opts.data !== undefined) record.initData = opts.data;
    // A reauth flow carries its entry's unique id from the start (it never blocks other flows).
    const entryUniqueId =
      source === 'reauth' && opts.entryId ? this.entries.get(opts.entryId)?.uniqueId : undefined;
    const input: FlowMachineInput = { flowId, source, ctx: flow.initialContext() };
    if (opts.entryId !== undefined) input.entryId = opts.entryId;
    if (opts.data !== undefined) input.initData = opts.data;
    const actor = this.actorFor(flow, { input });
    const live: LiveFlow = { actor, flow, record };
    this.indexRecord(record);
    if (entryUniqueId) this.tagUniqueId(record, entryUniqueId);
    this.live.set(flowId, live);
    this.initializing.add(flowId);
    return this.serial(flowId, async () => {
      try {
        actor.start();
        const result = await this.afterStep(live, 'created');
        this.initializing.delete(flowId);
        return result;
      } catch (error) {
        this.initializing.delete(flowId);
        // A start that failed leaves no flow behind: it could never be saved or stepped again.
        if (this.index.has(flowId)) await this.remove(flowId, undefined).catch(() => {});
        throw error;
      }
    });
  }

  private checkLimits(handler: string, data: Json | undefined): void {
    const { maxFlows, maxFlowsPerHandler, maxDataBytes, maxDataDepth } = this.limits;
    if (this.index.size >= maxFlows) throw new TooManyFlows(maxFlows);
    if ((this.perHandler.get(handler) ?? 0) >= maxFlowsPerHandler)
      throw new TooManyFlows(maxFlowsPerHandler, handler);
    if (data === undefined) return;
    if (jsonDepthOver(data, maxDataDepth))
      throw new InvalidFlowData(`is nested deeper than ${maxDataDepth} levels`);
    if (Buffer.byteLength(JSON.stringify(data)) > maxDataBytes)
      throw new InvalidFlowData(`is larger than ${maxDataBytes} bytes`);
  }

  /**
   * Continues a flow with the user's input for the current step; without input it re-renders the
   * current step (Home Assistant's GET). Invalid input throws `InvalidInput` and changes nothing.
   */
  async configure(flowId: string, input?: unknown): Promise<FlowResult> {
    const ended = this.uncollected.get(flowId);
    if (ended) {
      // The client collects the end its refresh was for; after that the flow is gone.
      this.uncollected.delete(flowId);
      return ended.result;
    }
    if (!this.index.has(flowId) && !(await this.adopt(flowId))) throw new UnknownFlow(flowId);
    return this.locked(flowId, () => this.configureNow(flowId, input));
  }

  private async configureNow(flowId: string, input: unknown): Promise<FlowResult> {
    // Another instance may have ended the flow while this request waited for it.
    if (!this.index.has(flowId)) throw new UnknownFlow(flowId);
    // A live flow's next step costs no revive (and no promise for one).
    const existing = this.live.get(flowId);
    if (existing) this.touch(flowId, existing);
    const live = existing ?? (await this.revive(flowId));
    const snapshot = live.actor.getSnapshot();
    try {
      return await this.step(live, snapshot, input);
    } catch (error) {
      if (!(error instanceof InvalidInput)) await this.rollback(live, snapshot);
      throw error;
    }
  }

  /**
   * Puts a flow back where it was before a step that failed (a store that cannot write, an entry that
   * cannot be created): the same snapshot, record and unique-id claim, so the user can try again.
   */
  private async rollback(
    live: LiveFlow,
    before: ReturnType<LiveFlow['actor']['getSnapshot']>,
  ): Promise<void> {
    const { flowId } = live.record;
    if (!this.index.has(flowId) || live.actor.getSnapshot() === before) return;
    live.progress?.abort();
    live.progress = undefined;
    live.actor.stop();
    live.actor = this.actorFor(live.flow, { snapshot: before });
    live.actor.start();
    const ctx = before.context as FlowMachineContext;
    live.record.stepId = stepOf(before.value);
    if (ctx.uniqueId !== undefined) this.tagUniqueId(live.record, ctx.uniqueId);
    this.live.set(flowId, live);
    this.startProgress(live);
    if (this.store.durable) {
      live.record.snapshot = JSON.stringify(live.actor.getPersistedSnapshot());
      await this.store.put(live.record).catch(() => {});
    }
  }

  private async step(
    live: LiveFlow,
    snapshot: ReturnType<LiveFlow['actor']['getSnapshot']>,
    input: unknown,
  ): Promise<FlowResult> {
    const { flowId } = live.record;
    const stepId = stepOf(snapshot.value);
    const step = live.flow.steps[stepId];
    if (input === undefined || !step || step.kind === 'progress') return this.render(live);
    let submitted: unknown;
    if (step.kind === 'menu') {
      const option = (input as { nextStepId?: unknown } | null)?.nextStepId;
      if (typeof option !== 'string' || !step.options.includes(option)) {
        throw new InvalidInput({ nextStepId: 'invalid_option' });
      }
      live.actor.send({ type: 'CHOOSE', option });
    } else {
      const checked = live.flow.form(stepId)!.validate(input);
      if (!checked.ok) throw new InvalidInput(checked.errors);
      submitted = checked.data;
      live.actor.send({ type: 'SUBMIT', input: checked.data });
    }
    const result = await this.afterStep(live, 'progressed', submitted);
    // The external side reported back and the flow moved on: Home Assistant's `external_done`, both
    // as the answer and as an event for whoever waits on the step (the tab that opened the sign-in).
    // It names the next step; the next read renders it. An end is returned as it is.
    if (step.kind === 'external' && result.stepId !== stepId && this.index.has(flowId)) {
      const done = resultOf(live.record, 'external_done');
      this.emit('progressed', live.record, done);
      return done;
    }
    return result;
  }

  /**
   * Aborts a flow in progress (a user closing the dialog); its progress work is cancelled. Resolves
   * `false` when the flow ended by itself (e.g. created its entry) before the abort's turn came.
   */
  async abort(flowId: string, reason = 'user_aborted'): Promise<boolean> {
    if (!this.index.has(flowId) && !(await this.adopt(flowId))) throw new UnknownFlow(flowId);
    return this.locked(flowId, async () => {
      const record = this.index.get(flowId);
      if (!record) return false;
      await this.remove(flowId, aborted(record, reason));
      return true;
    });
  }

  /** The current result of a flow, without changing it. */
  async get(flowId: string): Promise<FlowResult> {
    return this.configure(flowId);
  }

  /** Flows in progress, optionally filtered. */
  list(filter: FlowFilter = {}): {
    flowId: string;
    handler: string;
    source: Source;
    stepId: string;
    entryId?: string;
    startedAt?: number;
  }[] {
    const out = [];
    for (const r of this.index.values()) {
      if (!filter.includeUninitialized && this.initializing.has(r.flowId)) continue;
      if (filter.initData && (r.initData === undefined || !filter.initData(r.initData))) continue;
      if (filter.handler && r.handler !== filter.handler) continue;
      if (filter.source && r.source !== filter.source) continue;
      if (filter.entryId && r.entryId !== filter.entryId) continue;
      out.push({
        flowId: r.flowId,
        handler: r.handler,
        source: r.source,
        stepId: r.stepId,
        ...(r.entryId !== undefined ? { entryId: r.entryId } : {}),
        ...(r.startedAt !== undefined ? { startedAt: r.startedAt } : {}),
      });
    }
    return out;
  }

  /** Removes flows idle for longer than the timeout. Runs on a timer; callable directly in tests. */
  async expireIdle(): Promise<string[]> {
    if (this.idleTimeoutMs <= 0) return [];
    const cutoff = this.clock.now() - this.idleTimeoutMs;
    for (const [id, { endedAt }] of this.uncollected) if (endedAt <= cutoff) this.uncollected.delete(id);
    const expired = [...this.index.values()].filter((r) => r.updatedAt <= cutoff).map((r) => r.flowId);
    for (const id of expired) {
      await this.locked(id, async () => {
        // Re-checked: another instance may have stepped it meanwhile (its record is re-read then).
        const record = this.index.get(id);
        if (record && record.updatedAt <= cutoff) await this.remove(id, aborted(record, 'expired'));
      });
    }
    return expired;
  }

  /** Waits until no step is queued and no progress work runs: for tests and graceful shutdown. */
  async idle(): Promise<void> {
    const busy = () => this.queues.size > 0 || [...this.live.values()].some((l) => l.progress);
    while (busy()) {
      await Promise.allSettled([...this.queues.values()]);
      // Progress work resolves on its own schedule: give it a turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.store.flush?.();
  }

  /**
   * Indexes a flow another instance sharing the (durable) store started, so it can be continued
   * here; false when the store has no such flow, or one of another definition version.
   */
  async adopt(flowId: string): Promise<boolean> {
    if (this.index.has(flowId)) return true;
    if (!this.store.durable) return false;
    const record = await this.store.get(flowId);
    const flow = record && this.definitionFor(record);
    if (!record || !flow || flow.version !== record.version) return false;
    // A step here may have indexed it while the store answered.
    if (!this.index.has(flowId)) this.indexRecord(record);
    return true;
  }

  /**
   * Another instance sharing the store moved a flow: what this one holds of it is stale. Its live
   * actor is dropped (the store has the newer snapshot) and the flow re-read, or forgotten when it
   * ended there; then this instance's subscribers hear the event (with `remote: true`).
   */
  async applyRemote(event: FlowEvent): Promise<void> {
    const { flowId } = event;
    if (event.type === 'progress') {
      // The instance running the work reports it: a read here shows the same fraction.
      if (event.result.progress !== undefined && this.index.has(flowId))
        this.progressFraction.set(flowId, event.result.progress);
    } else {
      await this.serial(flowId, async () => {
        const doneThere = this.remoteDone.has(flowId);
        this.forget(flowId);
        if (event.type !== 'ended') {
          await this.adopt(flowId);
          if (event.result.type === 'progress_done') this.remoteDone.add(flowId);
        } else if (doneThere) {
          // Its progress work ended it there: the client's next read here collects the end.
          this.uncollected.set(flowId, { result: event.result, endedAt: this.clock.now() });
        }
      });
    }
    this.notify({ ...event, remote: true });
  }

  /**
   * Drops a flow from memory only (`remove` also deletes it from the store; a flow another instance
   * owns is only forgotten here). A progress task's AbortSignal fires: its work stops, its outcome is ignored.
   */
  private forget(flowId: string): void {
    const record = this.index.get(flowId);
    const live = this.live.get(flowId);
    if (record) {
      this.untagUniqueId(record);
      const left = (this.perHandler.get(record.handler) ?? 1) - 1;
      if (left > 0) this.perHandler.set(record.handler, left);
      else this.perHandler.delete(record.handler);
    }
    this.index.delete(flowId);
    this.live.delete(flowId);
    this.progressFraction.delete(flowId);
    this.remoteDone.delete(flowId);
    if (live?.progress) {
      live.progress.abort();
      live.progress = undefined;
      // Nobody else would run it while this instance's right to it stood.
      void this.store.releaseWork?.(flowId).catch(() => {});
    }
    live?.actor.stop();
  }

  // ---- internals ----

  private scheduleSweep(): void {
    if (this.idleTimeoutMs <= 0) return;
    const every = Math.max(1000, Math.min(60_000, this.idleTimeoutMs / 4));
    this.sweepTimer = this.clock.setTimeout(() => {
      void this.expireIdle().finally(() => this.scheduleSweep());
    }, every);
  }

  private definitionFor(record: Pick<FlowRecord, 'handler' | 'kind'>): ConfigFlow | undefined {
    const root = this.handlers.get(record.handler);
    return record.kind === 'options' ? root?.options : root;
  }

  /**
   * The flow's machine in its driven form: the same states and guarded edges as `flow.machine`, but
   * the manager runs each step's handler and reports the outcome as an event (no child actor a step).
   */
  private machineFor(flow: ConfigFlow): AnyStateMachine {
    let machine = this.machines.get(flow);
    if (!machine) {
      machine = compileMachine({
        id: flow.machine.id,
        sources: flow.sources,
        steps: flow.steps,
        driven: true,
      });
      this.machines.set(flow, machine);
    }
    return machine;
  }

  /**
   * A flow's actor: a real XState actor of the driven machine when the manager inspects (so every
   * event reaches the inspector), otherwise a `CachedActor`, which takes the same transitions XState
   * resolved once for the machine without building an actor per flow and a snapshot per event.
   */
  private actorFor(flow: ConfigFlow, from: { input: FlowMachineInput } | { snapshot: any }): FlowActor {
    if (this.inspect) return createActor(this.machineFor(flow), { ...from, inspect: this.inspect });
    let cache = this.transitions.get(flow);
    if (!cache) {
      cache = new TransitionCache(this.machineFor(flow));
      this.transitions.set(flow, cache);
    }
    return new CachedActor(cache, from);
  }

  /** One operation at a time per flow: two tabs submitting at once queue instead of racing. */
  private serial<T>(flowId: string, op: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(flowId) ?? Promise.resolve();
    const next = previous.then(op, op);
    const tail = next.catch(() => {});
    this.queues.set(flowId, tail);
    void tail.then(() => {
      if (this.queues.get(flowId) === tail) this.queues.delete(flowId);
    });
    return next;
  }

  /**
   * `serial`, and with a store several instances share, also under the store's lock on the flow: a
   * request on another instance waits for this one, and a copy another instance made stale since
   * this one read it is read again first, so the operation sees every earlier one's result.
   */
  private locked<T>(flowId: string, op: () => Promise<T>): Promise<T> {
    const store = this.store;
    if (store.exclusive === undefined) return this.serial(flowId, op);
    return this.serial(flowId, () =>
      store.exclusive!(flowId, async (current) => {
        if (!current(this.index.get(flowId))) {
          this.forget(flowId);
          await this.adopt(flowId);
        }
        return op();
      }),
    );
  }

  private indexRecord(record: FlowRecord): void {
    if (!this.index.has(record.flowId))
      this.perHandler.set(record.handler, (this.perHandler.get(record.handler) ?? 0) + 1);
    this.index.set(record.flowId, record);
    if (record.uniqueId !== undefined) this.tagUniqueId(record, record.uniqueId, true);
  }

  private tagUniqueId(record: FlowRecord, uniqueId: string, force = false): void {
    if (record.uniqueId === uniqueId && !force) return;
    this.untagUniqueId(record);
    record.uniqueId = uniqueId;
    const key = `${record.handler}\0${uniqueId}`;
    const ids = this.byUniqueId.get(key) ?? new Set<string>();
    this.byUniqueId.set(key, ids);
    ids.add(record.flowId);
  }

  private untagUniqueId(record: FlowRecord): void {
    if (record.uniqueId === undefined) return;
    const key = `${record.handler}\0${record.uniqueId}`;
    const ids = this.byUniqueId.get(key);
    ids?.delete(record.flowId);
    if (ids?.size === 0) this.byUniqueId.delete(key);
  }

  private flowsWithUniqueId(handler: string, uniqueId: string): FlowRecord[] {
    const ids = this.byUniqueId.get(`${handler}\0${uniqueId}`) ?? [];
    return [...ids].map((id) => this.index.get(id)).filter((r): r is FlowRecord => r !== undefined);
  }

  /** Most recently used last: eviction takes the oldest. */
  private touch(flowId: string, live: LiveFlow): void {
    this.live.delete(flowId);
    this.live.set(flowId, live);
  }

  /** The live actor for a flow, restoring it from its snapshot if it was idle. */
  private async revive(flowId: string): Promise<LiveFlow> {
    const existing = this.live.get(flowId);
    if (existing) {
      this.touch(flowId, existing);
      return existing;
    }
    const record = this.store.durable ? await this.store.get(flowId) : this.index.get(flowId);
    const flow = record && this.definitionFor(record);
    if (!record || !flow) throw new UnknownFlow(flowId);
    const actor = this.actorFor(flow, { snapshot: JSON.parse(record.snapshot) });
    const live: LiveFlow = { actor, flow, record: this.index.get(flowId) ?? record };
    this.live.set(flowId, live);
    actor.start();
    // Progress work does not survive a restart or an eviction: start it again.
    this.startProgress(live);
    if (this.live.size > this.liveLimit) await this.evictOverflow();
    return live;
  }

  /** Runs the step handlers the last event started, then persists, finishes or reports the flow. */
  private async afterStep(
    live: LiveFlow,
    event: 'created' | 'progressed',
    input?: unknown,
  ): Promise<FlowResult> {
    await this.runHandlers(live, input);
    const snapshot = live.actor.getSnapshot();
    const ctx = snapshot.context as FlowMachineContext;
    if (ctx.failure?.code === 'unknown_step') {
      await this.remove(live.record.flowId, undefined);
      throw new UnknownStep(live.flow.domain, stepOf(snapshot.value), ctx.failure.message);
    }
    if (snapshot.status === 'done') return this.finish(live, snapshot.output as Outcome);
    const written = this.persist(live);
    if (written) await written;
    // Started before rendering, so progress the work reports at once is in the result.
    this.startProgress(live);
    const result = await this.render(live);
    this.emit(event, live.record, result);
    if (this.live.size > this.liveLimit) await this.evictOverflow();
    return result;
  }

  /** Records where the flow is; returns the store's write when the store is durable. */
  private persist(live: LiveFlow): Promise<void> | undefined {
    const snapshot = live.actor.getSnapshot();
    const ctx = snapshot.context as FlowMachineContext;
    const record = live.record;
    record.stepId = stepOf(snapshot.value);
    record.updatedAt = this.clock.now();
    if (ctx.uniqueId !== undefined) this.tagUniqueId(record, ctx.uniqueId);
    // A non-durable store only needs the snapshot when the actor is evicted.
    if (this.store.durable) {
      record.snapshot = JSON.stringify(live.actor.getPersistedSnapshot());
      return this.store.put(record);
    }
    return undefined;
  }

  private async render(live: LiveFlow): Promise<FlowResult> {
    const snapshot = live.actor.getSnapshot();
    const ctx = snapshot.context as FlowMachineContext;
    const entry = ctx.entryId === undefined ? undefined : this.entries.get(ctx.entryId);
    return renderResult({
      flow: live.flow,
      base: this.baseResult(live.record),
      stepId: stepOf(snapshot.value),
      context: ctx,
      entry,
      progress: this.progressFraction.get(live.record.flowId),
    });
  }

  private baseResult(record: FlowRecord): Pick<FlowResult, 'flowId' | 'handler' | 'source' | 'stepId'> {
    return { flowId: record.flowId, handler: record.handler, source: record.source, stepId: record.stepId };
  }

  /**
   * While the machine sits in a running form, external or decide step, runs that step's handler and
   * reports its outcome: a decide step can lead straight into another, so this loops until the flow
   * waits for a user, reaches a progress step, or ends.
   */
  private async runHandlers(live: LiveFlow, input: unknown): Promise<void> {
    for (;;) {
      const snapshot = live.actor.getSnapshot();
      if (snapshot.status !== 'active' || !runningSubstate(snapshot.value)) return;
      const stepId = stepOf(snapshot.value);
      // Nothing aborts a queued step: its signal is made only if the handler reads it.
      live.actor.send(await this.runHandler(live, stepId, input, undefined));
      input = undefined;
    }
  }

  /** Runs one step's handler; its outcome, or its failure, as the event the machine waits for. */
  private async runHandler(
    live: LiveFlow,
    stepId: string,
    input: unknown,
    signal: AbortSignal | undefined,
  ): Promise<MachineEvent> {
    const context = live.actor.getSnapshot().context as FlowMachineContext;
    try {
      const output = await runStep(live.flow, this.host, stepId, { context, input }, signal);
      return { type: STEP_DONE, output };
    } catch (error) {
      return { type: STEP_FAILED, error };
    }
  }

  /**
   * A flow at a progress step runs the step's work in the background; when it finishes, the flow
   * advances with nobody calling `configure`. Removing the flow aborts the work's signal.
   */
  private startProgress(live: LiveFlow): void {
    const snapshot = live.actor.getSnapshot();
    const stepId = stepOf(snapshot.value);
    if (snapshot.status !== 'active' || live.flow.steps[stepId]?.kind !== 'progress' || live.progress) return;
    const controller = new AbortController();
    live.progress = controller;
    const claim = this.store.claimWork;
    if (claim === undefined) {
      this.runProgress(live, stepId, controller);
      return;
    }
    // A store several instances share: the work runs on the one instance the store grants it to;
    // the others relay its events. Another instance that takes it over stops it here.
    const lost = () => {
      if (live.progress !== controller) return;
      live.progress = undefined;
      controller.abort();
    };
    void claim.call(this.store, live.record.flowId, lost).then(
      (mine) => {
        if (live.progress !== controller || controller.signal.aborted) return;
        if (mine) this.runProgress(live, stepId, controller);
        else live.progress = undefined;
      },
      () => {
        if (live.progress === controller) live.progress = undefined;
      },
    );
  }

  private runProgress(live: LiveFlow, stepId: string, controller: AbortController): void {
    const { flowId } = live.record;
    void this.runHandler(live, stepId, undefined, controller.signal).then((event) =>
      this.locked(flowId, async () => {
        if (live.progress !== controller) return;
        live.progress = undefined;
        if (controller.signal.aborted || this.live.get(flowId) !== live) return;
        const done = resultOf(live.record, 'progress_done', stepId);
        this.emit('progressed', live.record, done);
        live.actor.send(event);
        const result = await this.afterStep(live, 'progressed');
        if (result.type === 'create_entry' || result.type === 'abort')
          this.uncollected.set(flowId, { result, endedAt: this.clock.now() });
        // Left the progress step (no new work started): the right to run its work goes back.
        if (this.store.releaseWork && this.live.get(flowId)?.progress === undefined)
          await this.store.releaseWork(flowId);
      }).catch(() => {
        // The outcome could not be applied (a shared store unreachable): the work is given back, so
        // whichever instance takes it over next runs it again.
        if (live.progress !== controller || !this.store.releaseWork) return;
        live.progress = undefined;
        void this.store.releaseWork(flowId).catch(() => {});
      }),
    );
  }

  /**
   * A store several instances share found this flow's progress work without a live owner (its
   * instance died, or stopped): the work is started here if the store grants it, on a fresh copy.
   */
  async takeOverWork(flowId: string): Promise<void> {
    if (!this.index.has(flowId) && !(await this.adopt(flowId))) return;
    await this.locked(flowId, async () => {
      if (!this.index.has(flowId)) return;
      const existing = this.live.get(flowId);
      if (existing) this.startProgress(existing);
      else await this.revive(flowId);
    });
  }

  private async finish(live: LiveFlow, outcome: Outcome): Promise<FlowResult> {
    const record = live.record;
    let result: FlowResult;
    if (outcome.type === 'abort') {
      result = aborted(record, outcome.reason);
      if (outcome.placeholders) result.descriptionPlaceholders = outcome.placeholders;
    } else if (outcome.type === 'create_entry') {
      result = await this.createEntry(live, outcome);
    } else {
      throw new UnknownStep(record.handler, record.stepId, `ended without an end (${outcome.type})`);
    }
    // The end carries the placeholders its step's texts were shown with (`Sign in to {name} again`).
    const ctx = live.actor.getSnapshot().context as FlowMachineContext;
    const entry =
      record.entryId !== undefined && record.source !== 'user' ? this.entries.get(record.entryId) : undefined;
    if (entry || ctx.placeholders) {
      result.descriptionPlaceholders = {
        ...(entry ? { name: entry.title } : {}),
        ...ctx.placeholders,
        ...result.descriptionPlaceholders,
      };
    }
    await this.remove(record.flowId, result);
    return result;
  }

  private async createEntry(
    live: LiveFlow,
    outcome: Extract<Outcome, { type: 'create_entry' }>,
  ): Promise<FlowResult> {
    const record = live.record;
    const ctx = live.actor.getSnapshot().context as FlowMachineContext;
    if (live.flow.kind === 'options') {
      // An options flow ends by replacing the entry's options, and reloads it when they changed
      // unless its author chose otherwise (Home Assistant's OptionsFlowWithReload, or not).
      const { changed } = await this.entries.update(record.entryId!, { options: outcome.data });
      if (changed && live.flow.reloadOnChange) await this.entries.reload(record.entryId!);
      return created(record, outcome.title, this.entries.require(record.entryId!));
    }
    if (
      live.flow.singleInstance &&
      this.entries.list({ domain: record.handler }).some((e) => e.source !== 'ignore')
    )
      return aborted(record, SINGLE_INSTANCE_ALLOWED);
    const claimed = ctx.uniqueId ?? null;
    // The stand-in id of a discovery without one is not the entry's id.
    const uniqueId = claimed === DEFAULT_DISCOVERY_UNIQUE_ID ? null : claimed;
    if (uniqueId !== null) {
      const existing = this.entries.findByUniqueId(record.handler, uniqueId);
      if (existing && existing.source !== 'ignore') return aborted(record, 'already_configured');
      // A user set up what was ignored before: the ignored entry gives way.
      if (existing) await this.entries.remove(existing.entryId);
    }
    const entry = await this.addUnlessTaken({
      domain: record.handler,
      title: outcome.title,
      uniqueId,
      data: outcome.data,
      options: outcome.options ?? {},
      source: record.source,
      version: live.flow.version,
      minorVersion: live.flow.minorVersion,
    });
    if (!entry) return aborted(record, 'already_configured');
    // Other flows for the same device or account are now pointless (Home Assistant aborts them too),
    // and so is a discovery that had no unique id, and, for a single instance, every other flow.
    if (uniqueId !== null) this.abortOthersWithUniqueId(record, uniqueId);
    this.abortOthersWithUniqueId(record, DEFAULT_DISCOVERY_UNIQUE_ID);
    if (live.flow.singleInstance) this.abortEach(this.index.values(), record, SINGLE_INSTANCE_ALLOWED);
    if (this.entries.reloader) void this.entries.reload(entry.entryId).catch(() => {});
    return created(record, outcome.title, entry);
  }

  private abortOthersWithUniqueId(except: FlowRecord, uniqueId: string): void {
    if (!this.byUniqueId.has(`${except.handler}\0${uniqueId}`)) return;
    this.abortEach(this.flowsWithUniqueId(except.handler, uniqueId), except, 'already_configured');
  }

  /** Aborts, each in its turn, the other config flows of `except`'s handler among `records`. */
  private abortEach(records: Iterable<FlowRecord>, except: FlowRecord, reason: string): void {
    const others = [...records].filter(
      (r) => r.handler === except.handler && r.flowId !== except.flowId && r.kind === 'config',
    );
    for (const other of others) {
      void this.locked(other.flowId, async () => {
        const current = this.index.get(other.flowId);
        if (current) await this.remove(other.flowId, aborted(current, reason));
      }).catch(() => {});
    }
  }

  /** Home Assistant's answer to a second flow of a single-instance integration: no flow at all. */
  private singleInstanceAbort(handler: string, source: Source): FlowResult {
    return {
      flowId: randomId(),
      handler,
      source,
      stepId: source,
      type: 'abort',
      reason: SINGLE_INSTANCE_ALLOWED,
    };
  }

  private async ignore(flow: ConfigFlow, data: Json | undefined): Promise<FlowResult> {
    const d = (data ?? {}) as { uniqueId?: unknown; title?: unknown };
    if (typeof d.uniqueId !== 'string' || d.uniqueId === '') {
      throw new InvalidInput({ uniqueId: 'required' });
    }
    const existing = this.entries.findByUniqueId(flow.domain, d.uniqueId);
    const base = { flowId: randomId(), handler: flow.domain, source: 'ignore' as const, stepId: 'ignore' };
    if (existing) return { ...base, type: 'abort', reason: 'already_configured' };
    const title = typeof d.title === 'string' ? d.title : d.uniqueId;
    const entry = await this.addUnlessTaken({
      domain: flow.domain,
      title,
      uniqueId: d.uniqueId,
      data: {},
      source: 'ignore',
    });
    if (!entry) return { ...base, type: 'abort', reason: 'already_configured' };
    const others = this.flowsWithUniqueId(flow.domain, d.uniqueId).filter((r) => r.source === 'discovery');
    for (const o of others) await this.abort(o.flowId, 'already_configured');
    return { ...base, type: 'create_entry', title, entry: summary(entry) };
  }

  /** Adds the entry; undefined when another server's flow for the same device got there first. */
  private addUnlessTaken(init: Parameters<ConfigEntries['add']>[0]): Promise<ConfigEntry | undefined> {
    return this.entries.add(init).catch((error: unknown) => {
      if (error instanceof UniqueIdTaken) return undefined;
      throw error;
    });
  }

  private async remove(flowId: string, result: FlowResult | undefined): Promise<void> {
    const record = this.index.get(flowId);
    this.forget(flowId);
    await this.store.delete(flowId);
    if (record && result) this.emit('ended', record, result);
  }

  /** Keeps at most `liveFlows` actors; the least recently used idle ones become snapshots. */
  private async evictOverflow(): Promise<void> {
    if (this.live.size <= this.liveLimit) return;
    for (const [flowId, live] of this.live) {
      if (this.live.size <= this.liveLimit) break;
      const busy = live.progress !== undefined || runningSubstate(live.actor.getSnapshot().value);
      if (!busy && !this.queues.has(flowId)) await this.evict(flowId);
    }
  }

  private async evict(flowId: string): Promise<void> {
    const live = this.live.get(flowId);
    if (!live) return;
    if (live.actor.getSnapshot().status === 'active') {
      live.record.snapshot = JSON.stringify(live.actor.getPersistedSnapshot());
      // A shared store has every step's snapshot already; a write here, outside the flow's lock,
      // could put back an older one over another instance's step.
      if (this.store.durable && this.store.exclusive === undefined) await this.store.put(live.record);
    }
    if (live.progress) {
      live.progress.abort();
      live.progress = undefined;
      // Stopping: another instance may take the work over at once.
      await this.store.releaseWork?.(flowId).catch(() => {});
    }
    live.actor.stop();
    this.live.delete(flowId);
  }

  private emit(type: FlowEventType, record: FlowRecord, result: FlowResult): void {
    if (this.listeners.size === 0) return;
    const event: FlowEvent = {
      type,
      flowId: record.flowId,
      handler: record.handler,
      source: record.source,
      result,
    };
    if (record.entryId !== undefined) event.entryId = record.entryId;
    this.notify(event);
  }

  private notify(event: FlowEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // Listeners are the UI's business; a throwing one must not break a flow.
      }
    }
  }

  private makeHost(): FlowHost {
    return {
      getEntry: async (entryId) => this.entries.get(entryId),
      findEntryByUniqueId: async (domain, uniqueId) => this.entries.findByUniqueId(domain, uniqueId),
      listEntries: async (domain) => this.entries.list({ domain }),
      otherFlowInProgress: (handler, exceptFlowId) => {
        for (const r of this.index.values())
          if (r.handler === handler && r.kind === 'config' && r.flowId !== exceptFlowId) return true;
        return false;
      },
      abortFlowsWithUniqueId: (handler, uniqueId, exceptFlowId, reason) => {
        const except = this.index.get(exceptFlowId);
        if (except && this.byUniqueId.has(`${handler}\0${uniqueId}`))
          this.abortEach(this.flowsWithUniqueId(handler, uniqueId), except, reason);
      },
      otherFlowHasUniqueId: (handler, uniqueId, exceptFlowId) =>
        this.flowsWithUniqueId(handler, uniqueId).some(
          (r) => r.flowId !== exceptFlowId && r.source !== 'reauth',
        ),
      claimUniqueId: async (flowId, uniqueId) => {
        const record = this.index.get(flowId);
        if (record) this.tagUniqueId(record, uniqueId);
        if (!record || !this.store.claimUniqueId) return undefined;
        return this.store.claimUniqueId({ flowId, handler: record.handler, source: record.source }, uniqueId);
      },
      updateEntry: (entryId, changes) => this.entries.update(entryId, changes),
      reloadEntry: (entryId) => this.entries.reload(entryId),
      reportProgress: (flowId, fraction) => {
        const record = this.index.get(flowId);
        if (!record) return;
        this.progressFraction.set(flowId, fraction);
        const live = this.live.get(flowId);
        const stepId = live ? stepOf(live.actor.getSnapshot().value) : record.stepId;
        const step = this.definitionFor(record)?.steps[stepId];
        const progressAction = step?.kind === 'progress' ? step.progressAction : undefined;
        const result = resultOf(record, 'progress', stepId);
        result.progress = fraction;
        if (progressAction) result.progressAction = progressAction;
        this.emit('progress', record, result);
      },
    };
  }
}

/** Whether a JSON value nests arrays/objects deeper than `max` (iterative: no stack to overflow). */
function jsonDepthOver(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const inner of Object.values(v)) stack.push([inner, depth + 1]);
  }
  return false;
}

/**
 * A result's first fields, as one object literal. Results are never made by spreading a base and
 * adding fields: in Node 20's V8 an object spread followed by new keys costs about 1.7 µs, this a
 * few nanoseconds (fields assigned afterwards stay cheap). Key order is the spread's: flowId,
 * handler, source, stepId, type.
 */
function resultOf(
  record: Pick<FlowRecord, 'flowId' | 'handler' | 'source' | 'stepId'>,
  type: FlowResult['type'],
  stepId = record.stepId,
): FlowResult {
  return { flowId: record.flowId, handler: record.handler, source: record.source, stepId, type };
}

function aborted(record: FlowRecord, reason: string): FlowResult {
  const result = resultOf(record, 'abort');
  result.reason = reason;
  return result;
}

function created(record: FlowRecord, title: string, entry: ConfigEntry): FlowResult {
  const result = resultOf(record, 'create_entry');
  result.title = title;
  result.entry = summary(entry);
  return result;
}

/** The top-level state key: the step id (or an end). */
export function stepOf(value: unknown): string {
  return typeof value === 'string' ? value : Object.keys(value as object)[0]!;
}

function summary(entry: ConfigEntry): EntrySummary {
  return {
    entryId: entry.entryId,
    domain: entry.domain,
    title: entry.title,
    uniqueId: entry.uniqueId,
    source: entry.source,
  };
}
