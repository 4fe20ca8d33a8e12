import { type AnyStateMachine, assign, fromPromise, setup } from 'xstate';
import type { FlowMachineContext, FlowMachineInput, StepInput, StepOutput } from './machineContext.ts';
import type { Outcome } from './outcome.ts';
import type { AnyStep } from './steps.ts';
import type { FieldErrors, Source } from './types.ts';

/** The events that end a running step when the manager drives the machine (see `MachineSpec.driven`). */
export const STEP_DONE = 'step.done';
export const STEP_FAILED = 'step.failed';

/**
 * Events a flow machine takes: the user's (validated) input for the current step, and, in a driven
 * machine, how the step's handler ended.
 */
export type FlowEvent =
  | { type: 'SUBMIT'; input?: unknown }
  | { type: 'CHOOSE'; option: string }
  | { type: typeof STEP_DONE; output: StepOutput }
  | { type: typeof STEP_FAILED; error: unknown };

/** The initial pseudo-state whose `always` transitions pick the first step by source. */
export const SOURCE_STATE = 'source';

/** State keys of the two kinds of end; an abort reason becomes a final state of its own. */
export const CREATE_ENTRY_STATE = 'create_entry';
export const abortState = (reason: string) => `abort_${reason}`;
/** Reserved: a step that throws unexpectedly re-shows with `base: unknown` (forms) or aborts `unknown`. */
export const UNKNOWN = 'unknown';

export interface MachineSpec {
  id: string;
  sources: Partial<Record<Source, string>>;
  steps: Record<string, AnyStep>;
  /**
   * Runs a step's handler as an invoked promise actor: the machine is complete on its own, for
   * Stately's tools, `xstate/graph` and anyone running it as a plain actor.
   */
  runStep?: (stepId: string, input: StepInput, signal: AbortSignal) => Promise<StepOutput>;
  /**
   * The same states and guarded edges, but a running step waits for `step.done` / `step.failed`
   * events instead of invoking an actor: the FlowManager runs the handler itself and reports its
   * outcome, which saves a child actor (and its abort signal and subscriptions) on every step.
   */
  driven?: boolean;
}

/** Every abort reason a step can end with (declared ones plus the reserved `unknown` for progress). */
export function stepAborts(step: AnyStep): string[] {
  if (step.kind === 'menu') return [];
  const aborts = [...(step.aborts ?? [])];
  if ((step.kind === 'progress' || step.kind === 'decide') && !aborts.includes(UNKNOWN)) aborts.push(UNKNOWN);
  return aborts;
}

/** Every error key a step can re-show with (declared ones plus the reserved `unknown`). */
export function stepErrors(step: AnyStep): string[] {
  if (step.kind === 'menu' || step.kind === 'progress' || step.kind === 'decide') return [];
  const errors = [...(step.errors ?? [])];
  if (!errors.includes(UNKNOWN)) errors.push(UNKNOWN);
  return errors;
}

const isOutcome = (output: StepOutput, type: Outcome['type'], detail?: string) =>
  output.outcome.type === type &&
  (detail === undefined ||
    (output.outcome.type === 'next' && output.outcome.step === detail) ||
    (output.outcome.type === 'abort' && output.outcome.reason === detail));

const output = (e: { output: StepOutput }) => e.output;

/**
 * How each action of a flow machine changes its context, by action name. The machine's `assign`
 * actions call these, and the manager's transition cache applies the very same functions to the
 * transitions XState resolved for it: each change is written once.
 */
export const CONTEXT_UPDATES = {
  commit(_context: FlowMachineContext, event: FlowEvent): Partial<FlowMachineContext> {
    const out = output(event as never);
    const o = out.outcome;
    const shown = o.type === 'errors';
    return {
      ctx: out.ctx,
      uniqueId: out.uniqueId,
      errors: shown ? (o.errors as FieldErrors) : undefined,
      placeholders: shown ? o.placeholders : undefined,
      input: shown ? out.input : undefined,
      outcome: o.type === 'create_entry' || o.type === 'abort' ? o : undefined,
      failure: undefined,
    };
  },
  // A form or external step that throws is re-shown with `base: unknown`...
  fail: (_context: FlowMachineContext, event: FlowEvent): Partial<FlowMachineContext> => ({
    errors: { base: UNKNOWN },
    failure: failure(event),
  }),
  // ...a progress step that throws ends the flow: re-running it could loop forever.
  crash: (_context: FlowMachineContext, event: FlowEvent): Partial<FlowMachineContext> => ({
    outcome: { type: 'abort' as const, reason: UNKNOWN },
    failure: failure(event),
  }),
};

/** A flow's context when it starts, from the machine's input. */
export function initialContext(input: FlowMachineInput): FlowMachineContext {
  const c: FlowMachineContext = { flowId: input.flowId, source: input.source, ctx: input.ctx };
  if (input.entryId !== undefined) c.entryId = input.entryId;
  if (input.initData !== undefined) c.initData = input.initData;
  return c;
}

/** What a finished flow machine outputs: the end its last step reached. */
export const flowOutput = (context: FlowMachineContext): Outcome => context.outcome as Outcome;

function failure(event: unknown): { code: string; message: string } {
  const error = (event as { error?: unknown }).error;
  const code = (error as { code?: unknown } | undefined)?.code;
  return {
    code: typeof code === 'string' ? code : 'step_failed',
    message: error instanceof Error ? error.message : String(error),
  };
}

/**
 * Compiles a declarative flow into an XState v5 machine: one state per step, one transition per
 * declared edge (guarded by the outcome it stands for), and a final state per end.
 */
export function compileMachine(spec: MachineSpec): AnyStateMachine {
  const { id, steps, runStep, driven = false } = spec;
  if (!driven && !runStep) throw new TypeError('compileMachine: an invoking machine needs runStep');
  const actors = driven
    ? {}
    : Object.fromEntries(
        Object.keys(steps).map((stepId) => [
          stepId,
          fromPromise<StepOutput, StepInput>(({ input, signal }) => runStep!(stepId, input, signal)),
        ]),
      );

  const target = (key: string) => `#${id}.${key}`;
  const onDone = (stepId: string, step: AnyStep) => {
    if (step.kind === 'menu') return [];
    const edges: object[] = [];
    for (const to of step.next ?? []) {
      edges.push(
        to === CREATE_ENTRY_STATE
          ? { guard: { type: 'createsEntry' }, target: target(CREATE_ENTRY_STATE), actions: 'commit' }
          : { guard: { type: 'goesTo', params: { step: to } }, target: target(to), actions: 'commit' },
      );
    }
    for (const reason of stepAborts(step)) {
      edges.push({
        guard: { type: 'aborts', params: { reason } },
        target: target(abortState(reason)),
        actions: 'commit',
      });
    }
    if (step.kind === 'form' || step.kind === 'external') {
      edges.push({ guard: { type: 'showsErrors' }, target: target(`${stepId}.idle`), actions: 'commit' });
    }
    return edges;
  };

  const states: Record<string, object> = {
    // A pseudo-state: the source picks the first step (drawn as the flow's entry points).
    [SOURCE_STATE]: {
      always: Object.entries(spec.sources).map(([source, stepId]) => ({
        guard: { type: 'fromSource', params: { source } },
        target: target(stepId as string),
      })),
    },
  };
  const ends = new Set<string>();
  for (const [stepId, step] of Object.entries(steps)) {
    const meta = { kind: step.kind, description: step.description };
    if (step.kind === 'menu') {
      states[stepId] = {
        meta,
        on: {
          CHOOSE: step.options.map((option: string) => ({
            guard: { type: 'chose', params: { option } },
            target: target(option),
          })),
        },
      };
    } else {
      // How the running step ends: an invoked actor's done/error, or the manager's events.
      const run = (onError: object) =>
        driven
          ? { on: { [STEP_DONE]: onDone(stepId, step), [STEP_FAILED]: onError } }
          : {
              invoke: {
                id: stepId,
                src: stepId,
                input: ({ context, event }: { context: FlowMachineContext; event: FlowEvent }) => ({
                  context,
                  input: event.type === 'SUBMIT' ? event.input : undefined,
                }),
                onDone: onDone(stepId, step),
                onError,
              },
            };
      const crash = { target: target(abortState(UNKNOWN)), actions: 'crash' };
      states[stepId] =
        step.kind === 'progress'
          ? { meta, ...run(crash) }
          : step.kind === 'decide'
            ? // Always "running": the manager waits for a decision, so no one ever sees this step.
              { meta, initial: 'running', states: { running: run(crash) } }
            : {
                meta,
                initial: 'idle',
                states: {
                  idle: { on: { SUBMIT: 'running' } },
                  running: run({ target: 'idle', actions: 'fail' }),
                },
              };
      if (step.next?.includes(CREATE_ENTRY_STATE)) ends.add(CREATE_ENTRY_STATE);
      for (const reason of stepAborts(step)) ends.add(abortState(reason));
    }
  }
  for (const end of [...ends].sort()) {
    states[end] =
      end === CREATE_ENTRY_STATE
        ? { type: 'final', meta: { end: 'create_entry' } }
        : { type: 'final', meta: { end: 'abort', reason: end.slice('abort_'.length) } };
  }

  const machine = setup({
    types: {} as {
      context: FlowMachineContext;
      input: FlowMachineInput;
      events: FlowEvent;
      output: Outcome;
    },
    actors,
    guards: {
      fromSource: ({ context }, params: { source: string }) => context.source === params.source,
      chose: ({ event }, params: { option: string }) =>
        event.type === 'CHOOSE' && event.option === params.option,
      goesTo: ({ event }, params: { step: string }) => isOutcome(output(event as never), 'next', params.step),
      createsEntry: ({ event }) => isOutcome(output(event as never), 'create_entry'),
      aborts: ({ event }, params: { reason: string }) =>
        isOutcome(output(event as never), 'abort', params.reason),
      showsErrors: ({ event }) => isOutcome(output(event as never), 'errors'),
    },
    actions: {
      commit: assign(({ context, event }) => CONTEXT_UPDATES.commit(context, event)),
      fail: assign(({ context, event }) => CONTEXT_UPDATES.fail(context, event)),
      crash: assign(({ context, event }) => CONTEXT_UPDATES.crash(context, event)),
    },
  }).createMachine({
    id,
    context: ({ input }) => initialContext(input),
    initial: SOURCE_STATE,
    states: states as never,
    output: ({ context }) => flowOutput(context),
  });
  // The state keys are data, so the typed machine widens to the general shape callers use.
  return machine as unknown as AnyStateMachine;
}
