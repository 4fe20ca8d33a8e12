import { type AnyStateMachine, getMicrosteps, initialTransition, type StateValue } from 'xstate';
import { CONTEXT_UPDATES, type FlowEvent, flowOutput, initialContext, STEP_DONE } from './compileMachine.ts';
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
  /** Per state (by its key, `user.idle`), the transitions seen from it. */
  private readonly nodes = new Map<string, Node>();
  /** The same nodes by value object: states the cache made share theirs, so no key is built. */
  private readonly byValue = new WeakMap<object, Node>();

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
    const node = this.nodeOf(state.value);
    // The slot for this kind of event, looked up by strings the event already holds.
    let slot: Map<string, Resolved | null>;
    let key: string;
    if (event.type === STEP_DONE) {
      const o = event.output.outcome;
      if (o.type === 'next') [slot, key] = [node.next, o.step];
      else if (o.type === 'abort') [slot, key] = [node.abort, o.reason];
      else [slot, key] = [node.done, o.type];
    } else if (event.type === 'CHOOSE') [slot, key] = [node.choose, event.option];
    else [slot, key] = [node.byType, event.type];
    const resolved = slot.get(key);
    if (resolved === undefined || resolved === null) return this.resolve(slot, key, state, event, resolved);
    if (resolved.ignored) return state;
    let context = state.context;
    for (const action of resolved.actions)
      context = Object.assign({}, context, CONTEXT_UPDATES[action](context, event));
    return finish(resolved, context);
  }

  private nodeOf(value: StateValue): Node {
    const shared = typeof value === 'object' ? this.byValue.get(value) : undefined;
    if (shared) return shared;
    const key = stateKey(value);
    let node = this.nodes.get(key);
    if (!node) {
      node = { byType: new Map(), choose: new Map(), next: new Map(), abort: new Map(), done: new Map() };
      this.nodes.set(key, node);
    }
    if (typeof value === 'object') this.byValue.set(value, node);
    return node;
  }

  /** Asks XState, and caches the answer unless it is more than a target and context updates. */
  private resolve(
    slot: Map<string, Resolved | null>,
    key: string,
    state: FlowState,
    event: FlowEvent,
    known: null | undefined,
  ): FlowState {
    const snapshot = this.machine.resolveState({ value: state.value, context: state.context });
    const micro = getMicrosteps(this.machine, snapshot, event);
    const last = micro.at(-1)?.[0];
    if (!last) {
      if (known === undefined) slot.set(key, { ...IGNORED, value: state.value });
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
      slot.set(
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

/** What a flow machine's guards read of an event decides the slot: its type, outcome and detail. */
interface Node {
  /** SUBMIT, step.failed and any other event, by type. */
  byType: Map<string, Resolved | null>;
  /** CHOOSE, by option. */
  choose: Map<string, Resolved | null>;
  /** step.done going to a step, by step; aborting, by reason; any other outcome, by its type. */
  next: Map<string, Resolved | null>;
  abort: Map<string, Resolved | null>;
  done: Map<string, Resolved | null>;
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
