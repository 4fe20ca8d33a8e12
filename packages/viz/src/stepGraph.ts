import { topOf } from './labels.ts';
import type { FlowGraph, GraphEdge } from './walk.ts';

/**
 * The chart a user reads: the flow's steps and ends, and which step leads to which. The engine's
 * substates (`idle`, `running`) and the edges inside a step are dropped; an edge leaving a substate
 * leaves its step. Edges keep only the source that starts them as a label.
 */
export function stepGraph(graph: FlowGraph): FlowGraph {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const edges: GraphEdge[] = [];
  for (const e of graph.edges) {
    const source = topOf(byId, e.source);
    const target = topOf(byId, e.target);
    if (source === target) continue;
    const key = `${source}\u0000${target}\u0000${e.fromSource ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const edge: GraphEdge = {
      source,
      target,
      event: e.fromSource ?? '',
      kind: e.kind === 'error' ? 'error' : 'event',
    };
    if (e.fromSource !== undefined) edge.fromSource = e.fromSource;
    edges.push(edge);
  }
  const nodes = graph.nodes.filter((n) => n.parent === undefined).map(({ initial: _substate, ...n }) => n);
  return { id: graph.id, nodes, edges };
}
