import type { StateValue } from 'xstate';
import type { FlowEvent } from './compileMachine.ts';
import type { FlowMachineInput } from './machineContext.ts';
import type { FlowState, TransitionCache } from './transitionCache.ts';

/** What the FlowManager asks of a flow's actor: an XState actor, or a `CachedActor`. */
export interface FlowActor {
  start(): void;
  stop(): void;
  send(event: FlowEvent): void;
  getSnapshot(): { status: string; value: StateValue; context: any; output?: unknown };
  /** XState's persisted-snapshot JSON shape, so either kind of actor revives what the other saved. */
  getPersistedSnapshot(): unknown;
}

/**
 * A flow's machine run through its `TransitionCache`: the same states, edges and context as an XState
 * actor of the driven machine (packages/core/test/transitionCache.test.ts checks every path), at the
 * cost of a map look-up and a context copy per event. It has no inspection, no children and no
 * subscribers; the manager uses a real actor whenever it is asked to inspect.
 */
export class CachedActor implements FlowActor {
  private state: FlowState;
  private stopped = false;

  constructor(
    private readonly cache: TransitionCache,
    from:
      | { input: FlowMachineInput }
      | { snapshot: Pick<FlowState, 'status' | 'value' | 'context' | 'output'> },
  ) {
    this.state = 'input' in from ? cache.start(from.input) : revived(from.snapshot);
  }

  start(): void {}

  stop(): void {
    this.stopped = true;
  }

  send(event: FlowEvent): void {
    if (!this.stopped) this.state = this.cache.next(this.state, event);
  }

  getSnapshot(): FlowState {
    return this.state;
  }

  getPersistedSnapshot(): unknown {
    const { status, value, context, output } = this.state;
    return status === 'done'
      ? { status, output, value, historyValue: {}, context, children: {} }
      : { status, value, historyValue: {}, context, children: {} };
  }
}

function revived(snapshot: Pick<FlowState, 'status' | 'value' | 'context' | 'output'>): FlowState {
  if (snapshot.status !== 'active' && snapshot.status !== 'done')
    throw new Error(`cannot revive a flow whose machine is "${snapshot.status}"`);
  return snapshot.status === 'done'
    ? { status: 'done', value: snapshot.value, context: snapshot.context, output: snapshot.output }
    : { status: 'active', value: snapshot.value, context: snapshot.context };
}
