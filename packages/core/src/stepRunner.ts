import { stepAborts, stepErrors } from './compileMachine.ts';
import type { ConfigEntry } from './configEntry.ts';
import type { ConfigFlow } from './defineConfigFlow.ts';
import { AbortFlow, FlowError, UnknownStep } from './errors.ts';
import type { FlowHost } from './flowHost.ts';
import type { StepInput, StepOutput } from './machineContext.ts';
import { CREATE_ENTRY, type Outcome } from './outcome.ts';
import type { StepApi } from './steps.ts';
import type { Json, JsonObject } from './types.ts';

const REAUTH_SUCCESSFUL = 'reauth_successful';
const RECONFIGURE_SUCCESSFUL = 'reconfigure_successful';
const ALREADY_CONFIGURED = 'already_configured';
const ALREADY_IN_PROGRESS = 'already_in_progress';

/**
 * The unique id a discovery without one claims (Home Assistant's name for it): at most one such
 * flow per domain, and a flow that sets a real unique id makes it pointless.
 */
export const DEFAULT_DISCOVERY_UNIQUE_ID = 'default_discovery_unique_id';

/** Sources a device or service found by itself: a retrying entry they find is reloaded. */
const DISCOVERY_SOURCES: ReadonlySet<string> = new Set(['discovery', 'import']);

/**
 * Runs one step's handler with a `StepApi`, then checks the outcome against the step's declared edges.
 * The flow context is cloned in and handed back out, so a crashed step leaves the flow untouched.
 * Without a `signal` the step cannot be aborted; the handler still gets one of its own (never one
 * shared between steps, which would collect the listeners every handler's fetches add), made only
 * if it asks.
 */
export async function runStep(
  flow: ConfigFlow,
  host: FlowHost,
  stepId: string,
  { context, input }: StepInput,
  signal: AbortSignal | undefined,
): Promise<StepOutput> {
  const step = flow.steps[stepId];
  if (!step || step.kind === 'menu') throw new UnknownStep(flow.domain, stepId, 'no such step');
  const entry = context.entryId === undefined ? undefined : await host.getEntry(context.entryId);
  const state: StepState = {
    ctx: cloneJson(context.ctx),
    uniqueId: context.uniqueId,
    pendingAbort: undefined,
    signal,
  };

  type Api = StepApi<Json, string, string, string>;
  const own: Omit<Api, 'signal' | 'context'> & { __proto__: object; [STEP_STATE]: StepState } = {
    // The getters live on a shared prototype: getters in an object literal made V8 build this
    // object on its slow path, about 3 µs of every step.
    __proto__: STEP_API_PROTO,
    [STEP_STATE]: state,
    flowId: context.flowId,
    handler: flow.domain,
    source: context.source,
    stepId,
    initData: context.initData,
    entry,
    next,
    createEntry({ title, data, options }) {
      if (context.source === 'reauth' || context.source === 'reconfigure') {
        throw new UnknownStep(
          flow.domain,
          stepId,
          `a ${context.source} flow must update its entry, not create one`,
        );
      }
      return { type: 'create_entry', title, data, ...(options ? { options } : {}) };
    },
    abort,
    showErrors,
    progress(fraction) {
      host.reportProgress(context.flowId, Math.min(1, Math.max(0, fraction)));
    },
    async setUniqueId(uniqueId, opts) {
      state.uniqueId = uniqueId;
      const raise = opts?.raiseOnProgress ?? true;
      const checked = raise && context.source !== 'reauth';
      // Checked before claiming: two flows of one process claiming at once do not both see the other.
      const takenHere = checked && host.otherFlowHasUniqueId(flow.domain, uniqueId, context.flowId);
      // A store several servers share answers for every server's flows, this one's included (its
      // copy of the others' flows may be stale); in one process it has nothing to add.
      const shared = await host.claimUniqueId(context.flowId, uniqueId);
      if (shared === undefined ? takenHere : checked && shared) abortNow(state, ALREADY_IN_PROGRESS);
      // A discovery that had no unique id waited for this one: it is pointless now.
      if (uniqueId !== DEFAULT_DISCOVERY_UNIQUE_ID)
        host.abortFlowsWithUniqueId(
          flow.domain,
          DEFAULT_DISCOVERY_UNIQUE_ID,
          context.flowId,
          ALREADY_IN_PROGRESS,
        );
      return host.findEntryByUniqueId(flow.domain, uniqueId);
    },
    async abortIfUniqueIdConfigured(opts) {
      if (state.uniqueId === undefined) return;
      const existing = await host.findEntryByUniqueId(flow.domain, state.uniqueId);
      if (!existing) return;
      // Home Assistant's order: the updates land even in an ignored entry a user now sets up...
      const changed =
        opts?.updates !== undefined &&
        (await host.updateEntry(existing.entryId, { data: { ...existing.data, ...opts.updates } })).changed;
      // ...and a reload restarts only what runs (or keeps retrying): a stopped entry stays stopped.
      const running = existing.state === 'loaded' || existing.state === 'setup_retry';
      const reload =
        (changed && (opts?.reload ?? true) && running) ||
        // A discovery just saw the device answer: the retrying entry need not wait for its timer.
        (DISCOVERY_SOURCES.has(context.source) && existing.state === 'setup_retry');
      // An ignored discovery blocks discovery again, but never a user's own setup.
      if (existing.source === 'ignore' && context.source === 'user') return;
      if (reload) await host.reloadEntry(existing.entryId);
      abortNow(state, ALREADY_CONFIGURED, opts?.placeholders);
    },
    async abortIfEntriesMatch(match) {
      const ownEntry = context.entryId;
      for (const other of await host.listEntries(flow.domain)) {
        if (other.source === 'ignore' || other.entryId === ownEntry) continue;
        if (Object.entries(match).every(([key, value]) => holds(other, key, value)))
          abortNow(state, ALREADY_CONFIGURED);
      }
    },
    async handleDiscoveryWithoutUniqueId() {
      if (state.uniqueId !== undefined) return;
      // A discovery counts ignored entries too: ignoring it once hides it for good.
      if ((await host.listEntries(flow.domain)).length > 0) abortNow(state, ALREADY_CONFIGURED);
      await api.setUniqueId(DEFAULT_DISCOVERY_UNIQUE_ID);
      await api.abortIfUniqueIdConfigured();
      if (host.otherFlowInProgress(flow.domain, context.flowId)) abortNow(state, ALREADY_IN_PROGRESS);
    },
    abortIfUniqueIdMismatch(opts) {
      const linked = entry;
      if (!linked)
        throw new FlowError('no_entry', 'abortIfUniqueIdMismatch needs a reauth or reconfigure flow');
      if (state.uniqueId !== (linked.uniqueId ?? undefined))
        abortNow(state, opts?.reason ?? 'unique_id_mismatch');
    },
    findEntry(uniqueId) {
      return host.findEntryByUniqueId(flow.domain, uniqueId);
    },
    getReauthEntry() {
      return entryFor(context, entry, stepId, 'reauth');
    },
    getReconfigureEntry() {
      return entryFor(context, entry, stepId, 'reconfigure');
    },
    async updateReloadAndAbort(target, changes) {
      // Checked before anything is written: a wrong call changes nothing.
      if (changes.data !== undefined && changes.dataUpdates !== undefined)
        throw new FlowError('invalid_changes', 'updateReloadAndAbort takes data or dataUpdates, not both');
      const { uniqueId } = changes;
      if (uniqueId != null && uniqueId !== target.uniqueId) {
        const holder = await host.findEntryByUniqueId(flow.domain, uniqueId);
        if (holder && holder.entryId !== target.entryId)
          throw new FlowError(
            'unique_id_taken',
            `Another ${flow.domain} entry has the unique id ${uniqueId}`,
          );
      }
      const data =
        changes.data ?? (changes.dataUpdates ? { ...target.data, ...changes.dataUpdates } : undefined);
      const { changed } = await host.updateEntry(target.entryId, {
        ...(data ? { data } : {}),
        ...(changes.options ? { options: changes.options } : {}),
        ...(changes.title ? { title: changes.title } : {}),
        ...(uniqueId !== undefined ? { uniqueId } : {}),
      });
      if (changed || (changes.reloadEvenIfUnchanged ?? true)) await host.reloadEntry(target.entryId);
      const reason =
        changes.reason ?? (context.source === 'reconfigure' ? RECONFIGURE_SUCCESSFUL : REAUTH_SUCCESSFUL);
      return { type: 'abort', reason };
    },
  };
  const api = own as unknown as Api;

  let outcome: Outcome;
  try {
    outcome =
      step.kind === 'progress' || step.kind === 'decide'
        ? await (step.run as (a: unknown) => Outcome)(api)
        : await (step.submit as (i: unknown, a: unknown) => Outcome)(input, api);
  } catch (error) {
    if (error instanceof AbortFlow)
      outcome = {
        type: 'abort',
        reason: error.reason,
        ...(error.placeholders ? { placeholders: error.placeholders } : {}),
      };
    else if (!state.pendingAbort) throw error;
    else outcome = state.pendingAbort;
  }
  // A recorded abort wins over whatever the step did after catching it.
  if (state.pendingAbort) outcome = state.pendingAbort;
  checkDeclared(flow, stepId, outcome);

  const out: StepOutput = { outcome, ctx: state.ctx };
  if (state.uniqueId !== undefined) out.uniqueId = state.uniqueId;
  if (outcome.type === 'errors' && input && typeof input === 'object')
    out.input = keptInput(flow, stepId, input as JsonObject);
  return out;
}

/**
 * A copy of a flow context. Contexts are JSON by contract, so arrays and plain objects are copied by
 * hand, several times faster than `structuredClone` on the small objects contexts are. Anything
 * else (a Date, a Map, a cycle or a nesting deeper than any form needs) goes to `structuredClone`
 * whole, as every context did before.
 */
export function cloneJson(value: Json): Json {
  const copy = copyPlain(value, 0);
  return copy === NOT_PLAIN ? structuredClone(value) : copy;
}

const NOT_PLAIN = Symbol('not plain JSON');
const MAX_DEPTH = 64;

function copyPlain(value: Json, depth: number): Json | typeof NOT_PLAIN {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return NOT_PLAIN;
  if (Array.isArray(value)) {
    const copy: Json[] = [];
    for (const item of value) {
      const inner = copyPlain(item, depth + 1);
      if (inner === NOT_PLAIN) return NOT_PLAIN;
      copy.push(inner);
    }
    return copy;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return NOT_PLAIN;
  const copy: { [key: string]: Json } = {};
  for (const key of Object.keys(value)) {
    const inner = copyPlain(value[key] as Json, depth + 1);
    if (inner === NOT_PLAIN) return NOT_PLAIN;
    // An own "__proto__" key stays a key (assigning it would set the copy's prototype).
    if (key === '__proto__')
      Object.defineProperty(copy, key, {
        value: inner,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else copy[key] = inner;
  }
  return copy;
}

// The outcome makers that need nothing of the step are shared by every step (no closure each).
function next(to: string): Outcome {
  return { type: 'next', step: to };
}

function abort(reason: string, placeholders?: Record<string, string>): Outcome {
  return { type: 'abort', reason, ...(placeholders ? { placeholders } : {}) };
}

function showErrors(errors: Partial<Record<string, string>>, placeholders?: Record<string, string>): Outcome {
  return {
    type: 'errors',
    errors: errors as Record<string, string>,
    ...(placeholders ? { placeholders } : {}),
  };
}

/** What a step's API keeps of the step while it runs. */
interface StepState {
  ctx: Json;
  uniqueId: string | undefined;
  pendingAbort: Outcome | undefined;
  signal: AbortSignal | undefined;
}

const STEP_STATE = Symbol('step state');

/** The step API's getters, shared by every step (`signal` is made only if a handler reads it). */
const STEP_API_PROTO = {
  get signal(): AbortSignal {
    const state = (this as unknown as { [STEP_STATE]: StepState })[STEP_STATE];
    state.signal ??= new AbortController().signal;
    return state.signal;
  },
  get context(): Json {
    return (this as unknown as { [STEP_STATE]: StepState })[STEP_STATE].ctx;
  },
};

/**
 * Records the abort before throwing it, so it wins even if the handler catches the throw.
 * (Helpers here are module functions, not closures: tsx would rename a closure on every step.)
 */
function abortNow(
  state: { pendingAbort: Outcome | undefined },
  reason: string,
  placeholders?: Record<string, string>,
): never {
  state.pendingAbort = { type: 'abort', reason, ...(placeholders ? { placeholders } : {}) };
  throw new AbortFlow(reason, placeholders);
}

/** Home Assistant's entry match: the key holds an equal value in the entry's data or its options. */
function holds(entry: ConfigEntry, key: string, value: Json): boolean {
  const wanted = JSON.stringify(value);
  return [entry.data, entry.options].some(
    (values) => Object.hasOwn(values, key) && JSON.stringify(values[key]) === wanted,
  );
}

function entryFor(
  context: StepInput['context'],
  entry: ConfigEntry | undefined,
  stepId: string,
  source: 'reauth' | 'reconfigure',
): ConfigEntry {
  if (context.source !== source || !entry) {
    throw new FlowError(
      'no_entry',
      `Step "${stepId}" asked for the ${source} entry in a ${context.source} flow`,
    );
  }
  return entry;
}

function undeclared(flow: ConfigFlow, stepId: string, detail: string): never {
  throw new UnknownStep(flow.domain, stepId, detail);
}

function checkDeclared(flow: ConfigFlow, stepId: string, outcome: Outcome): void {
  const step = flow.steps[stepId]!;
  if (step.kind === 'menu') return;
  switch (outcome?.type) {
    case 'next':
      if (!step.next?.includes(outcome.step) || outcome.step === CREATE_ENTRY)
        undeclared(flow, stepId, `went to undeclared step "${outcome.step}"`);
      return;
    case 'create_entry':
      if (!step.next?.includes(CREATE_ENTRY))
        undeclared(flow, stepId, 'created an entry without declaring create_entry');
      return;
    case 'abort':
      if (!stepAborts(step).includes(outcome.reason))
        undeclared(flow, stepId, `aborted with undeclared reason "${outcome.reason}"`);
      return;
    case 'errors': {
      const declared = stepErrors(step);
      const bad = Object.values(outcome.errors).filter((key) => !declared.includes(key as string));
      if (bad.length > 0) undeclared(flow, stepId, `showed undeclared error keys ${bad.join(', ')}`);
      return;
    }
    default:
      undeclared(
        flow,
        stepId,
        'returned no outcome (return flow.next(), flow.createEntry(), flow.abort() or flow.showErrors())',
      );
  }
}

/** The input to keep for a re-shown form: never a secret. */
function keptInput(flow: ConfigFlow, stepId: string, input: JsonObject): JsonObject | undefined {
  const secrets = flow.secretFields(stepId);
  const kept: JsonObject = {};
  for (const [key, value] of Object.entries(input)) if (!secrets.has(key)) kept[key] = value;
  return Object.keys(kept).length > 0 ? kept : undefined;
}
