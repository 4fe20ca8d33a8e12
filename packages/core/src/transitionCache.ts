import { type AnyStateMachine, getMicrosteps, initialTransition, type StateValue } from 'xstate';
import {
  CONTEXT_UPDATES,
  type FlowEvent,
  flowOutput,
  initialContext,
  STEP_DONE,
  STEP_FAILED,
} from './compileMachine.ts';
import type { FlowMachineContext, FlowMachineInput } from './machineContext.ts';
import type { Outcome } from './outcome.ts';

/** A flow machine's state as the manager reads it: a plain object, never mutated once made. */
export interface FlowState {
  status: 'active' | 'done';
  value: StateValue;
  context: FlowMachineContext;
  output?: Outcome;
}

/** What XState resolved for one (state, kind of event): where it leads and which actions it runs. */
interface Resolved {
  value: StateValue;
  status: 'active' | 'done';
  /** Names in `CONTEXT_UPDATES`, in XState's order. */
  actions: (keyof typeof CONTEXT_UPDATES)[];
  /** The event moves nothing (XState ignores it in this state). */
  ignored: boolean;
}

/**
 * Each transition of a driven flow machine, resolved once by XState and then reused.
 *
 * A flow machine's guards read only the kind of event: the outcome's type and its step or abort
 * reason, the menu option, or (leaving the initial pseudo-state) the flow's source. So the target of
 * a (state, kind of event) pair never changes, and the actions on the way are `assign`s whose
 * changes are the plain functions in `CONTEXT_UPDATES`. The first time a pair is seen, XState's own
 * `getTransitionData` and `getMicrosteps` resolve it; afterwards the cached target and the same
 * functions give the next state without building an actor or a machine snapshot. A transition that
 * takes more than one microstep, or runs an action that is not a context update, is never cached:
 * XState resolves it every time.
 */
export class TransitionCache {
  private readonly initial = new Map<string, Resolved>();
  private readonly transitions = new Map<string, Resolved | null>();

  constructor(readonly machine: AnyStateMachine) {}

  /** The state a new flow starts in. */
  start(input: FlowMachineInput): FlowState {
    let resolved = this.initial.get(input.source);
    if (!resolved) {
      const [snapshot] = initialTransition(this.machine, input);
      resolved = {
        value: snapshot.value,
        status: doneOrActive(snapshot.status),
        actions: [],
        ignored: false,
      };
      this.initial.set(input.source, resolved);
      return fromSnapshot(snapshot);
    }
    return finish(resolved, initialContext(input));
  }

  /** The state after `event`; the same object when the event moves nothing. */
  next(state: FlowState, event: FlowEvent): FlowState {
    if (state.status !== 'active') return state;
    const key = `${stateKey(state.value)}\u0000${eventKey(event)}`;
    const resolved = this.transitions.get(key);
    if (resolved === undefined || resolved === null) return this.resolve(key, state, event, resolved);
    if (resolved.ignored) return state;
    let context = state.context;
    for (const action of resolved.actions)
      context = Object.assign({}, context, CONTEXT_UPDATES[action](context, event));
    return finish(resolved, context);
  }

  /** Asks XState, and caches the answer unless it is more than a target and context updates. */
  private resolve(key: string, state: FlowState, event: FlowEvent, known: null | undefined): FlowState {
    const snapshot = this.machine.resolveState({ value: state.value, context: state.context });
    const micro = getMicrosteps(this.machine, snapshot, event);
    const last = micro.at(-1)?.[0];
    if (!last) {
      if (known === undefined) this.transitions.set(key, { ...IGNORED, value: state.value });
      return state;
    }
    if (known === undefined) {
      const actions = this.machine
        .getTransitionData(snapshot, event)
        .flatMap((t) => t.actions.map((a) => (typeof a === 'string' ? a : undefined)));
      const cacheable =
        micro.length === 1 &&
        micro[0]![1].length === 0 &&
        actions.every((a): a is keyof typeof CONTEXT_UPDATES => a !== undefined && a in CONTEXT_UPDATES);
      this.transitions.set(
        key,
        cacheable
          ? {
              value: last.value,
              status: doneOrActive(last.status),
              actions: actions as Resolved['actions'],
              ignored: false,
            }
          : null,
      );
    }
    return fromSnapshot(last);
  }
}

const IGNORED: Omit<Resolved, 'value'> = { status: 'active', actions: [], ignored: true };

function finish(resolved: Resolved, context: FlowMachineContext): FlowState {
  return resolved.status === 'done'
    ? { status: 'done', value: resolved.value, context, output: flowOutput(context) }
    : { status: 'active', value: resolved.value, context };
}

function fromSnapshot(snapshot: {
  status: string;
  value: StateValue;
  context: FlowMachineContext;
  output?: unknown;
}): FlowState {
  const status = doneOrActive(snapshot.status);
  return status === 'done'
    ? { status, value: snapshot.value, context: snapshot.context, output: snapshot.output as Outcome }
    : { status, value: snapshot.value, context: snapshot.context };
}

function doneOrActive(status: string): 'active' | 'done' {
  if (status !== 'active' && status !== 'done')
    throw new Error(`a flow machine reached the unexpected status "${status}"`);
  return status;
}

/** `user.idle`, `pick`, `create_entry`: a flow machine's states nest one level at most. */
function stateKey(value: StateValue): string {
  if (typeof value === 'string') return value;
  for (const top in value) {
    const sub = value[top];
    return typeof sub === 'string' ? `${top}.${sub}` : JSON.stringify(value);
  }
  return '';
}

/** What a flow machine's guards read of an event, and nothing else. */
function eventKey(event: FlowEvent): string {
  switch (event.type) {
    case STEP_DONE: {
      const o = event.output.outcome;
      return o.type === 'next'
        ? `done\u0000next\u0000${o.step}`
        : o.type === 'abort'
          ? `done\u0000abort\u0000${o.reason}`
          : `done\u0000${o.type}`;
    }
    case STEP_FAILED:
      return 'failed';
    case 'CHOOSE':
      return `choose\u0000${event.option}`;
    default:
      return event.type;
  }
}
