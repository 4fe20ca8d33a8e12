import type { GraphEdge, GraphNode } from './walk.ts';

/** `SUBMIT`, `done [goesTo(work)]`, `[fromSource(user)]`: the event, then the guard in brackets. */
export function edgeLabel(edge: GraphEdge): string {
  const guard = edge.guard === undefined ? '' : `[${edge.guard}]`;
  return [edge.event, guard].filter((s) => s !== '').join(' ');
}

/** A node's caption lines: its key, then what kind of step or end it is. */
export function nodeLines(node: GraphNode): string[] {
  if (node.end === 'create_entry') return ['create_entry'];
  if (node.end === 'abort') return [`abort`, node.reason ?? node.key];
  const lines = [node.key];
  if (node.stepKind !== undefined) lines.push(node.stepKind);
  // A progress step invokes its own handler: saying so again adds nothing.
  if (node.invoke !== undefined && (node.invoke !== node.key || node.kind === 'substate')) {
    lines.push(`invokes ${node.invoke}`);
  }
  return lines;
}

/** The top-level state a node belongs to (itself when it is top-level). */
export function topOf(byId: ReadonlyMap<string, GraphNode>, id: string): string {
  let node = byId.get(id);
  while (node?.parent !== undefined) node = byId.get(node.parent);
  return node?.id ?? id;
}
