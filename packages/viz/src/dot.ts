import { type ChartInput, type ChartOptions, chartGraph } from './chartInput.ts';
import { edgeLabel, nodeLines } from './labels.ts';
import type { GraphEdge, GraphNode } from './walk.ts';

const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
const cluster = (id: string) => q(`cluster_${id}`);

function nodeAttrs(n: GraphNode): string {
  const label = q(nodeLines(n).join('\n'));
  if (n.kind === 'initial-pseudo') return 'shape=point, width=0.15, label=""';
  if (n.end === 'create_entry') {
    return `shape=doublecircle, style=filled, fillcolor="#dcfce7", color="#15803d", label=${label}`;
  }
  if (n.end === 'abort' || n.kind === 'final') {
    // Aborts are ends too, but red and dashed so they never read as success.
    return `shape=doublecircle, style="filled,dashed", fillcolor="#fee2e2", color="#b91c1c", label=${label}`;
  }
  return `shape=box, style="rounded", label=${label}`;
}

function edgeStyle(e: GraphEdge): string {
  if (e.kind === 'always') return ', style=dashed';
  if (e.kind === 'error') return ', color="#b91c1c", fontcolor="#b91c1c"';
  if (e.kind === 'after') return ', style=dotted';
  return '';
}

/**
 * Renders a flow as Graphviz DOT: a compound step is a `cluster_<step>` subgraph holding its
 * substates; an edge into or out of it is attached to its initial substate and clipped at the
 * cluster with `lhead`/`ltail` (`compound=true`).
 */
export function toDot(input: ChartInput, opts: ChartOptions = {}): string {
  const graph = chartGraph(input, opts);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const kids = new Map<string | undefined, GraphNode[]>();
  for (const n of graph.nodes) kids.set(n.parent, [...(kids.get(n.parent) ?? []), n]);
  // Graphviz edges join nodes, not clusters: enter a compound through its initial leaf.
  const leaf = (id: string): string => {
    const n = byId.get(id);
    if (!kids.has(id) || !n) return id;
    return leaf(n.initial ?? kids.get(id)![0]!.id);
  };

  const lines = [
    `digraph ${q(graph.id)} {`,
    '  compound=true;',
    '  rankdir=TB;',
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  const block = (parent: string | undefined, depth: number) => {
    const pad = '  '.repeat(depth);
    for (const n of kids.get(parent) ?? []) {
      if (kids.has(n.id)) {
        lines.push(`${pad}subgraph ${cluster(n.id)} {`);
        lines.push(`${pad}  label=${q(nodeLines(n).join('\n'))};`);
        lines.push(`${pad}  style=rounded;`);
        block(n.id, depth + 1);
        lines.push(`${pad}}`);
      } else {
        lines.push(`${pad}${q(n.id)} [${nodeAttrs(n)}];`);
      }
    }
  };
  block(undefined, 1);
  for (const e of graph.edges) {
    const attrs = [`label=${q(edgeLabel(e))}`];
    if (kids.has(e.source)) attrs.push(`ltail=${cluster(e.source)}`);
    if (kids.has(e.target)) attrs.push(`lhead=${cluster(e.target)}`);
    lines.push(`  ${q(leaf(e.source))} -> ${q(leaf(e.target))} [${attrs.join(', ')}${edgeStyle(e)}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
