import { abortState, type ConfigFlow, CREATE_ENTRY_STATE, type Source, UNKNOWN } from '@configflow/core';
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';

export type EdgeKind = 'next' | 'create_entry' | 'abort' | 'errors' | 'option';

/** One way out of a step, as declared. Recipes name it by `name`. */
export interface FlowEdge {
  stepId: string;
  /** A next step's id, `create_entry`, an abort reason, `errors`, or a menu option. */
  name: string;
  kind: EdgeKind;
  /** Where it leads: a step id, `create_entry` or `abort_<reason>`. */
  to: string;
  /**
   * Edges the engine adds to every step (re-show with only `unknown`, a progress step's `unknown`
   * abort): covered when a recipe is given, never required.
   */
  optional: boolean;
}

/** A state of the graph, named the way reports read: `user`, `user (running)`, `create_entry`. */
export type NodeKey = string;

/** The event that makes the machine take an edge: the step actor's done event, or the menu choice. */
export type EdgeEvent =
  | { type: 'CHOOSE'; option: string }
  | { type: `xstate.done.actor.${string}`; output: { outcome: unknown; ctx: unknown } }
  | { type: 'SUBMIT'; input: unknown };

/** Every declared edge of a flow, from `flow.describe()` plus the raw step for what the author wrote. */
export function flowEdges(flow: ConfigFlow): FlowEdge[] {
  const edges: FlowEdge[] = [];
  for (const step of flow.describe().steps) {
    const raw = flow.steps[step.stepId]!;
    const own = (list: readonly string[] | undefined, key: string) => (list ?? []).includes(key);
    const add = (edge: FlowEdge) => {
      const clash = edges.find((e) => e.stepId === edge.stepId && e.name === edge.name);
      if (clash) {
        throw new Error(
          `flow "${flow.domain}" step "${edge.stepId}": "${edge.name}" is both a ${clash.kind} and a ${edge.kind} edge; ` +
            'coverage recipes name edges by that word, so rename one',
        );
      }
      edges.push(edge);
    };
    if (step.kind === 'menu') {
      for (const option of step.menuOptions)
        add({ stepId: step.stepId, name: option, kind: 'option', to: option, optional: false });
      continue;
    }
    for (const to of step.next) {
      if (to === CREATE_ENTRY_STATE)
        add({ stepId: step.stepId, name: to, kind: 'create_entry', to, optional: false });
      else add({ stepId: step.stepId, name: to, kind: 'next', to, optional: false });
    }
    const rawAborts = raw.kind === 'menu' ? [] : raw.aborts;
    for (const reason of step.aborts) {
      add({
        stepId: step.stepId,
        name: reason,
        kind: 'abort',
        to: abortState(reason),
        optional: !own(rawAborts, reason),
      });
    }
    if (step.kind === 'form' || step.kind === 'external') {
      const rawErrors: readonly string[] = ('errors' in raw ? raw.errors : undefined) ?? [];
      add({
        stepId: step.stepId,
        name: 'errors',
        kind: 'errors',
        to: step.stepId,
        optional: rawErrors.filter((e: string) => e !== UNKNOWN).length === 0,
      });
    }
  }
  return edges;
}

const CTX = {};

/** The synthetic event standing for an edge: what the step's invoked actor would report. */
export function edgeEvent(edge: FlowEdge): EdgeEvent {
  if (edge.kind === 'option') return { type: 'CHOOSE', option: edge.name };
  const outcome =
    edge.kind === 'next'
      ? { type: 'next', step: edge.to }
      : edge.kind === 'create_entry'
        ? { type: 'create_entry', title: 'coverage', data: {} }
        : edge.kind === 'abort'
          ? { type: 'abort', reason: edge.name }
          : { type: 'errors', errors: { base: UNKNOWN } };
  return { type: `xstate.done.actor.${edge.stepId}`, output: { outcome, ctx: CTX } };
}

/** The machine state a step waits in, and the one its handler runs in (the same for progress/menu). */
export function nodeOf(value: unknown): { stepId: string; running: boolean } {
  if (typeof value === 'string') return { stepId: value, running: false };
  const [stepId, sub] = Object.entries(value as Record<string, unknown>)[0]!;
  return { stepId, running: sub === 'running' };
}

export const nodeKey = (value: unknown): NodeKey => {
  const n = nodeOf(value);
  return n.running ? `${n.stepId} (running)` : n.stepId;
};

/**
 * The node where an edge's event applies: the running state of a form, external or decide step
 * (a decide step is never anything but running), a progress or menu step itself.
 */
export function triggerNode(flow: ConfigFlow, edge: FlowEdge): NodeKey {
  const kind: string | undefined = flow.steps[edge.stepId]?.kind;
  return kind === 'form' || kind === 'external' || kind === 'decide'
    ? `${edge.stepId} (running)`
    : edge.stepId;
}

/** The node an edge lands on: its target, or the running state of a decide step (never idle). */
export function landingNode(flow: ConfigFlow, edge: FlowEdge): NodeKey {
  const kind: string | undefined = flow.steps[edge.to]?.kind;
  return kind === 'decide' ? `${edge.to} (running)` : edge.to;
}

/** Steps that run by themselves when entered (progress work, a decision): nobody submits to them. */
export const runsOnEntry = (flow: ConfigFlow, stepId: string): boolean => {
  const kind: string | undefined = flow.steps[stepId]?.kind;
  return kind === 'progress' || kind === 'decide';
};

export interface GraphPath {
  source: Source;
  /** The edges taken, in order (SUBMIT events are implied by form steps). */
  hops: FlowEdge[];
  /** The node reached. */
  node: NodeKey;
}

export interface FlowGraph {
  source: Source;
  /** node -> (edge name at that node -> node reached), straight from `getAdjacencyMap`. */
  adjacency: Map<NodeKey, Map<FlowEdge | 'SUBMIT', NodeKey>>;
  /** The shortest path to every node reachable through the allowed edges (`getShortestPaths`). */
  shortest: Map<NodeKey, GraphPath>;
  finals: Set<NodeKey>;
}

/**
 * Explores the real machine of a flow from one source. The step actors are never started: every invoke
 * outcome is a synthetic `xstate.done.actor.<step>` event generated from the declared edges, and only
 * the edges `allow` accepts are offered (so shortest paths use only edges a test can replay). Paths
 * and adjacency name edges by the objects in `edges`.
 */
export function exploreFlow(
  flow: ConfigFlow,
  source: Source,
  allow: (edge: FlowEdge) => boolean = () => true,
  edges: FlowEdge[] = flowEdges(flow),
): FlowGraph {
  const byEvent = new Map<string, FlowEdge>();
  for (const edge of edges) byEvent.set(JSON.stringify(edgeEvent(edge)), edge);
  const events = (snapshot: AnyMachineSnapshot): EdgeEvent[] => {
    if (snapshot.status !== 'active') return [];
    const { stepId, running } = nodeOf(snapshot.value);
    const step = flow.steps[stepId];
    if (!step) return [];
    if ((step.kind === 'form' || step.kind === 'external') && !running)
      return [{ type: 'SUBMIT', input: {} }];
    return edges.filter((e) => e.stepId === stepId && allow(e)).map(edgeEvent);
  };
  const options = {
    input: {
      flowId: 'coverage',
      source,
      ctx: flow.initialContext(),
      ...(source === 'reauth' || source === 'reconfigure' || source === 'options'
        ? { entryId: 'coverage-entry' }
        : {}),
    },
    events,
    // Guards read only the event, so the state value alone identifies a node.
    serializeState: (snapshot: AnyMachineSnapshot) => nodeKey(snapshot.value),
    serializeEvent: (event: EventObject) => JSON.stringify(event),
  };
  const adjacencyMap = getAdjacencyMap(flow.machine, options as never) as Record<
    string,
    {
      state: AnyMachineSnapshot;
      transitions: Record<string, { event: EventObject; state: AnyMachineSnapshot }>;
    }
  >;
  const adjacency = new Map<NodeKey, Map<FlowEdge | 'SUBMIT', NodeKey>>();
  const finals = new Set<NodeKey>();
  for (const { state, transitions } of Object.values(adjacencyMap)) {
    const from = nodeKey(state.value);
    if (state.status === 'done') finals.add(from);
    const out = new Map<FlowEdge | 'SUBMIT', NodeKey>();
    for (const [serialized, t] of Object.entries(transitions)) {
      out.set(t.event.type === 'SUBMIT' ? 'SUBMIT' : byEvent.get(serialized)!, nodeKey(t.state.value));
    }
    adjacency.set(from, out);
  }
  const shortest = new Map<NodeKey, GraphPath>();
  for (const path of getShortestPaths(flow.machine, options as never)) {
    const hops = path.steps
      .map((s) => byEvent.get(JSON.stringify(s.event)))
      .filter((e): e is FlowEdge => e !== undefined);
    shortest.set(nodeKey(path.state.value), { source, hops, node: nodeKey(path.state.value) });
  }
  return { source, adjacency, shortest, finals };
}

/** Nodes from which no final state can be reached (a step with no way out). */
export function stuckNodes(graph: FlowGraph): NodeKey[] {
  const reverse = new Map<NodeKey, NodeKey[]>();
  for (const [from, out] of graph.adjacency)
    for (const to of out.values()) reverse.set(to, [...(reverse.get(to) ?? []), from]);
  const live = new Set(graph.finals);
  const queue = [...graph.finals];
  while (queue.length > 0) {
    for (const from of reverse.get(queue.pop()!) ?? []) {
      if (!live.has(from)) {
        live.add(from);
        queue.push(from);
      }
    }
  }
  return [...graph.adjacency.keys()].filter((n) => !live.has(n));
}
