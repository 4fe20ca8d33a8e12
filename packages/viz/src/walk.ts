import type { AnyStateMachine, AnyStateNode } from 'xstate';

export type NodeKind = 'initial-pseudo' | 'step' | 'substate' | 'final';
export type EdgeKind = 'event' | 'always' | 'done' | 'error' | 'after';

/** One state of the chart; `id` is the state's path below the machine root, e.g. `user.idle`. */
export interface GraphNode {
  id: string;
  key: string;
  parent?: string;
  kind: NodeKind;
  /** The configflow step kind (`meta.kind`): form, menu, progress, external. */
  stepKind?: string;
  end?: 'create_entry' | 'abort';
  reason?: string;
  /** The actor this state invokes (its `src`). */
  invoke?: string;
  /** The child entered first, for compound states. */
  initial?: string;
  description?: string;
}

export interface GraphEdge {
  source: string;
  target: string;
  /** The event as a reader says it: `SUBMIT`, `done`, `error`, `after(1000)`; empty for `always`. */
  event: string;
  /** A label built from the guard's type and params, e.g. `goesTo(work)`. */
  guard?: string;
  kind: EdgeKind;
  /** For the initial pseudo-state's `fromSource` edges: the source this edge starts. */
  fromSource?: string;
}

/** A neutral model of a machine's chart that every emitter renders. */
export interface FlowGraph {
  id: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** The synthetic start node for machines whose initial state is a real state (not a router). */
export const START = '__start';

const pathOf = (node: AnyStateNode) => node.path.join('.');

/** `{ type: 'goesTo', params: { step: 'work' } }` → `goesTo(work)`; combinators nest. */
export function guardLabel(guard: unknown): string | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    // XState's `and`/`or`/`not` are functions named after the operator, carrying their operands.
    const g = guard as { guards?: unknown; name?: string };
    if (g.guards !== undefined) {
      const operands = Array.isArray(g.guards) ? g.guards : [g.guards];
      return `${g.name}(${operands.map((x) => guardLabel(x) ?? '?').join(', ')})`;
    }
    return g.name || 'inline';
  }
  if (typeof guard === 'object') {
    const { type, params } = guard as { type?: unknown; params?: unknown };
    const name = typeof type === 'string' ? type : 'guard';
    if (params === undefined || params === null || typeof params !== 'object') return name;
    const values = Object.values(params as Record<string, unknown>).map((v) =>
      typeof v === 'string' ? v : JSON.stringify(v),
    );
    return values.length === 0 ? name : `${name}(${values.join(', ')})`;
  }
  return undefined;
}

function classify(eventType: string): { kind: EdgeKind; event: string } {
  if (eventType === '') return { kind: 'always', event: '' };
  if (eventType.startsWith('xstate.done.')) return { kind: 'done', event: 'done' };
  if (eventType.startsWith('xstate.error.')) return { kind: 'error', event: 'error' };
  if (eventType.startsWith('xstate.after.')) {
    // `xstate.after.<delay>.<stateId>`: the delay is a number of ms or a named delay.
    const delay = eventType.slice('xstate.after.'.length).split('.')[0] ?? '';
    return { kind: 'after', event: `after(${/^\d+$/.test(delay) ? `${delay}ms` : delay})` };
  }
  return { kind: 'event', event: eventType };
}

function isRouter(node: AnyStateNode): boolean {
  // configflow's `init`: no meta, only eventless transitions choosing the first step by source.
  return (
    node.type === 'atomic' &&
    (node.always?.length ?? 0) > 0 &&
    node.transitions.size === 0 &&
    node.invoke.length === 0 &&
    !(node.meta as { kind?: unknown } | undefined)?.kind
  );
}

/**
 * Walks `machine.root` (not `toJSON()`, which drops `always`): every state node, its `on`,
 * `always`, invoke `onDone`/`onError` and `after` transitions, with meta and guards as labels.
 */
export function walkMachine(machine: AnyStateMachine): FlowGraph {
  const root = machine.root;
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const rootInitial = root.initial?.target?.[0];

  if (rootInitial && !isRouter(rootInitial)) {
    nodes.push({ id: START, key: START, kind: 'initial-pseudo' });
    edges.push({ source: START, target: pathOf(rootInitial), event: '', kind: 'always' });
  }

  const visit = (node: AnyStateNode) => {
    const id = pathOf(node);
    const meta = (node.meta ?? {}) as { kind?: unknown; end?: unknown; reason?: unknown };
    const top = node.parent === root;
    const out: GraphNode = {
      id,
      key: node.key,
      kind:
        node.type === 'final'
          ? 'final'
          : top && node === rootInitial && isRouter(node)
            ? 'initial-pseudo'
            : top
              ? 'step'
              : 'substate',
    };
    if (!top && node.parent) out.parent = pathOf(node.parent);
    if (typeof meta.kind === 'string') out.stepKind = meta.kind;
    if (meta.end === 'create_entry' || meta.end === 'abort') out.end = meta.end;
    if (typeof meta.reason === 'string') out.reason = meta.reason;
    const src = node.invoke[0]?.src;
    if (src !== undefined) out.invoke = typeof src === 'string' ? src : (node.invoke[0]?.id ?? 'actor');
    const initial = node.initial?.target?.[0];
    if (node.type === 'compound' && initial) out.initial = pathOf(initial);
    if (node.description) out.description = node.description;
    nodes.push(out);

    for (const t of node.always ?? []) addEdges(id, '', t);
    for (const [eventType, list] of node.transitions) {
      for (const t of list) addEdges(id, eventType, t);
    }
    for (const child of Object.values(node.states) as AnyStateNode[]) visit(child);
  };

  const addEdges = (
    source: string,
    eventType: string,
    t: { target?: readonly AnyStateNode[] | undefined; guard?: unknown },
  ) => {
    // Targetless transitions only run actions: they do not move, so the chart leaves them out.
    for (const target of t.target ?? []) {
      const edge: GraphEdge = { source, target: pathOf(target), ...classify(eventType) };
      const guard = guardLabel(t.guard);
      if (guard !== undefined) edge.guard = guard;
      const g = t.guard as { type?: unknown; params?: { source?: unknown } } | undefined;
      if (g && typeof g === 'object' && g.type === 'fromSource' && typeof g.params?.source === 'string') {
        edge.fromSource = g.params.source;
      }
      edges.push(edge);
    }
  };

  for (const child of Object.values(root.states) as AnyStateNode[]) visit(child);
  return { id: root.id, nodes, edges };
}

/** The sources a graph starts from (its `fromSource` edges), in declaration order. */
export function graphSources(graph: FlowGraph): string[] {
  return graph.edges.flatMap((e) => (e.fromSource === undefined ? [] : [e.fromSource]));
}

/**
 * Keeps what a flow started from `source` can reach: its entry edge, the states reachable from
 * there (a compound step brings its substates), and the edges between them.
 */
export function restrictToSource(graph: FlowGraph, source: string): FlowGraph {
  const entry = graph.edges.filter((e) => e.fromSource === source);
  if (entry.length === 0) {
    const known = graphSources(graph);
    throw new Error(
      `Flow "${graph.id}" has no source "${source}"` +
        (known.length ? ` (it has ${known.join(', ')})` : ' (it declares no sources)'),
    );
  }
  const children = new Map<string, string[]>();
  const parent = new Map<string, string>();
  for (const n of graph.nodes) {
    if (n.parent === undefined) continue;
    parent.set(n.id, n.parent);
    children.set(n.parent, [...(children.get(n.parent) ?? []), n.id]);
  }
  const outgoing = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) outgoing.set(e.source, [...(outgoing.get(e.source) ?? []), e]);

  const seen = new Set<string>();
  const queue = entry.map((e) => e.target);
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const c of children.get(id) ?? []) queue.push(c);
    for (const e of outgoing.get(id) ?? []) queue.push(e.target);
    const p = parent.get(id);
    if (p !== undefined) queue.push(p);
  }
  const entrySources = new Set(entry.map((e) => e.source));
  for (const s of entrySources) seen.add(s);

  return {
    id: graph.id,
    nodes: graph.nodes.filter((n) => seen.has(n.id)),
    edges: graph.edges.filter(
      (e) =>
        seen.has(e.source) &&
        seen.has(e.target) &&
        (!entrySources.has(e.source) || e.fromSource === undefined || e.fromSource === source),
    ),
  };
}
