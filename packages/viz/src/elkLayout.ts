import elkModule, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { edgeLabel, nodeLines } from './labels.ts';
import type { FlowGraph, GraphEdge, GraphNode } from './walk.ts';

// elkjs is CommonJS whose typings declare an ES default export: take whichever Node hands over.
const ELK = ((elkModule as unknown as { default?: unknown }).default ?? elkModule) as new () => {
  layout(graph: ElkNode): Promise<ElkNode>;
};

/** Text metrics for the monospace font the SVG uses, so ELK reserves the room labels take. */
export const NODE_FONT = { size: 11, char: 6.7, line: 14 };
export const EDGE_FONT = { size: 10, char: 6.1, line: 12 };

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidOutNode extends Box {
  node: GraphNode;
  lines: string[];
  compound: boolean;
}

export interface LaidOutEdge {
  edge: GraphEdge;
  /** One polyline per ELK section, start to end including bend points. */
  paths: { x: number; y: number }[][];
  label?: Box & { text: string };
}

export interface LaidOutChart {
  id: string;
  width: number;
  height: number;
  /** Parents before their children, so drawing in order paints compounds behind substates. */
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
}

const r1 = (v: number | undefined) => Math.round((v ?? 0) * 10) / 10;

function size(node: GraphNode, lines: string[]): { width: number; height: number } {
  if (node.kind === 'initial-pseudo') return { width: 16, height: 16 };
  const longest = Math.max(...lines.map((l) => l.length));
  const pad = node.kind === 'final' ? 32 : 24;
  return {
    width: Math.max(72, Math.ceil(longest * NODE_FONT.char + pad)),
    height: lines.length * NODE_FONT.line + (node.kind === 'final' ? 22 : 18),
  };
}

/** The lowest state containing both ends; ELK expects an edge to live there. */
function container(byId: Map<string, GraphNode>, a: string, b: string): string | undefined {
  const chain = (id: string | undefined) => {
    const out: string[] = [];
    for (
      let n = id === undefined ? undefined : byId.get(id);
      n;
      n = n.parent ? byId.get(n.parent) : undefined
    ) {
      out.push(n.id);
    }
    return out;
  };
  const up = new Set(chain(byId.get(a)?.parent));
  return chain(byId.get(b)?.parent).find((id) => up.has(id));
}

/**
 * Lays a graph out with ELK's layered algorithm. `INCLUDE_CHILDREN` lets edges cross compound
 * borders, and ROOT coordinates spare the renderer from adding up parent offsets.
 */
export async function layoutGraph(graph: FlowGraph): Promise<LaidOutChart> {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const kids = new Map<string | undefined, GraphNode[]>();
  for (const n of graph.nodes) kids.set(n.parent, [...(kids.get(n.parent) ?? []), n]);
  const elkNodes = new Map<string | undefined, ElkNode>();
  const lines = new Map(graph.nodes.map((n) => [n.id, nodeLines(n)]));

  const build = (n: GraphNode): ElkNode => {
    const own = lines.get(n.id)!;
    const children = kids.get(n.id);
    const elk: ElkNode = children
      ? {
          id: n.id,
          layoutOptions: {
            'elk.padding': `[top=${own.length * NODE_FONT.line + 16},left=14,bottom=14,right=14]`,
          },
          children: children.map(build),
          edges: [],
        }
      : { id: n.id, ...size(n, own) };
    elkNodes.set(n.id, elk);
    return elk;
  };
  const root: ElkNode = {
    id: `${graph.id}#root`,
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.spacing.nodeNode': '28',
      'elk.layered.spacing.nodeNodeBetweenLayers': '36',
      'elk.spacing.edgeLabel': '4',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
      'elk.json.edgeCoords': 'ROOT',
      'elk.json.shapeCoords': 'ROOT',
    },
    children: (kids.get(undefined) ?? []).map(build),
    edges: [],
  };
  elkNodes.set(undefined, root);

  graph.edges.forEach((e, i) => {
    const text = edgeLabel(e);
    const edge: ElkExtendedEdge = { id: `e${i}`, sources: [e.source], targets: [e.target] };
    if (text) {
      edge.labels = [
        { text, width: Math.ceil(text.length * EDGE_FONT.char + 6), height: EDGE_FONT.line + 2 },
      ];
    }
    const at = elkNodes.get(container(byId, e.source, e.target)) ?? root;
    at.edges = [...(at.edges ?? []), edge];
  });

  const laid = await new ELK().layout(root);

  const nodes: LaidOutNode[] = [];
  const edges = new Map<string, LaidOutEdge>();
  const collect = (elk: ElkNode) => {
    for (const edge of elk.edges ?? []) {
      const i = Number(edge.id.slice(1));
      const label = edge.labels?.[0];
      const out: LaidOutEdge = {
        edge: graph.edges[i]!,
        paths: (edge.sections ?? []).map((s) =>
          [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => ({ x: r1(p.x), y: r1(p.y) })),
        ),
      };
      if (label?.text) {
        out.label = {
          text: label.text,
          x: r1(label.x),
          y: r1(label.y),
          width: r1(label.width),
          height: r1(label.height),
        };
      }
      edges.set(edge.id, out);
    }
    for (const child of elk.children ?? []) {
      const node = byId.get(child.id)!;
      nodes.push({
        node,
        lines: lines.get(child.id)!,
        compound: (child.children?.length ?? 0) > 0,
        x: r1(child.x),
        y: r1(child.y),
        width: r1(child.width),
        height: r1(child.height),
      });
      collect(child);
    }
  };
  collect(laid);
  return {
    id: graph.id,
    width: r1(laid.width),
    height: r1(laid.height),
    nodes,
    edges: graph.edges.map((_, i) => edges.get(`e${i}`)!).filter(Boolean),
  };
}
