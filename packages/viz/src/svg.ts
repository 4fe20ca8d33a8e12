import { type ChartInput, type ChartOptions, chartGraph } from './chartInput.ts';
import {
  EDGE_FONT,
  type LaidOutChart,
  type LaidOutEdge,
  type LaidOutNode,
  layoutGraph,
  NODE_FONT,
} from './elkLayout.ts';
import { topOf } from './labels.ts';
import type { FlowGraph } from './walk.ts';

export interface SvgOptions extends ChartOptions {
  /** Marks this state (a step id or a path like `user.running`) with the CSS class `current`. */
  highlight?: string;
}

export const escapeXml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

/** The chart's stylesheet; `.current` is what live inspection toggles. */
export const CHART_CSS = [
  `.cf-chart text{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:${NODE_FONT.size}px;fill:#0f172a}`,
  '.cf-node>rect{fill:#fff;stroke:#334155;stroke-width:1.2}',
  '.cf-compound>rect{fill:#f8fafc;stroke:#94a3b8}',
  '.cf-substate>rect{fill:#f1f5f9}',
  '.cf-kind{fill:#64748b}',
  '.cf-end-create_entry>rect{fill:#dcfce7;stroke:#15803d}',
  '.cf-end-abort>rect{fill:#fee2e2;stroke:#b91c1c;stroke-dasharray:5 2}',
  '.cf-end-success>rect{fill:#dcfce7;stroke:#15803d;stroke-dasharray:5 2}',
  '.cf-initial>circle{fill:#0f172a}',
  '.cf-edge>path{fill:none;stroke:#475569;stroke-width:1.2}',
  '.cf-edge-always>path{stroke-dasharray:4 3}',
  '.cf-edge-error>path{stroke:#b91c1c}',
  '.cf-edge-after>path{stroke-dasharray:1 3}',
  '.cf-label>rect{fill:#fff;fill-opacity:.85}',
  `.cf-chart .cf-label>text{font-size:${EDGE_FONT.size}px;fill:#334155}`,
  '.cf-node.current>rect{fill:#dbeafe;stroke:#2563eb;stroke-width:3}',
].join('\n');

/** Home Assistant's convention: a flow that ends by updating an entry aborts with `<what>_successful`. */
export const isSuccessfulAbort = (reason: string | undefined) => reason?.endsWith('_successful') === true;

/** Coordinates with at most two decimals, so output is stable and short. */
const f = (v: number) => String(Math.round(v * 100) / 100);
const ids = (s: string) => s.replace(/[^\w-]/g, '_');

function drawNode(n: LaidOutNode, graph: FlowGraph, highlight: string | undefined, out: string[]): void {
  const { node } = n;
  const byId = new Map(graph.nodes.map((g) => [g.id, g]));
  const classes = ['cf-node', `cf-${node.kind}`];
  if (n.compound) classes.push('cf-compound');
  if (node.stepKind) classes.push(`cf-kind-${ids(node.stepKind)}`);
  if (node.end) classes.push(`cf-end-${node.end}`);
  // An abort that reports success (`reauth_successful`, `reconfigure_successful`) is not a failure.
  if (node.end === 'abort' && isSuccessfulAbort(node.reason)) classes.push('cf-end-success');
  if (highlight === node.id) classes.push('current');
  const attrs = `class="${classes.join(' ')}" data-id="${escapeXml(node.id)}" data-step="${escapeXml(topOf(byId, node.id))}"`;
  const title = `<title>${escapeXml([node.id, node.stepKind, node.description].filter(Boolean).join(' · '))}</title>`;
  if (node.kind === 'initial-pseudo') {
    out.push(
      `<g ${attrs}>${title}<circle cx="${f(n.x + n.width / 2)}" cy="${f(n.y + n.height / 2)}" r="${f(n.width / 2)}"/></g>`,
    );
    return;
  }
  const parts = [`<g ${attrs}>`, title];
  if (node.kind === 'final') {
    // An end is a pill with a double border, like a statechart's final state.
    const r = n.height / 2;
    parts.push(
      `<rect x="${f(n.x)}" y="${f(n.y)}" width="${f(n.width)}" height="${f(n.height)}" rx="${f(r)}"/>`,
    );
    parts.push(
      `<rect x="${f(n.x + 3)}" y="${f(n.y + 3)}" width="${f(n.width - 6)}" height="${f(n.height - 6)}" rx="${f(r - 3)}" fill="none"/>`,
    );
  } else {
    parts.push(
      `<rect x="${f(n.x)}" y="${f(n.y)}" width="${f(n.width)}" height="${f(n.height)}" rx="${n.compound ? 12 : 8}"/>`,
    );
  }
  const top = n.compound ? n.y + 8 : n.y + (n.height - n.lines.length * NODE_FONT.line) / 2;
  n.lines.forEach((line, i) => {
    const y = f(top + (i + 0.8) * NODE_FONT.line);
    const cls = i > 0 ? ' class="cf-kind"' : '';
    parts.push(
      `<text x="${f(n.x + n.width / 2)}" y="${y}" text-anchor="middle"${cls}>${escapeXml(line)}</text>`,
    );
  });
  parts.push('</g>');
  out.push(parts.join(''));
}

function drawEdge(e: LaidOutEdge, marker: string, out: string[]): void {
  const d = e.paths
    .map((pts) => pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${f(p.x)} ${f(p.y)}`).join(' '))
    .join(' ');
  out.push(
    `<g class="cf-edge cf-edge-${e.edge.kind}" data-source="${escapeXml(e.edge.source)}" data-target="${escapeXml(e.edge.target)}"><path d="${d}" marker-end="url(#${marker})"/></g>`,
  );
}

function drawLabel(e: LaidOutEdge, out: string[]): void {
  if (!e.label) return;
  const { x, y, width, height, text } = e.label;
  out.push(
    `<g class="cf-label"><rect x="${f(x)}" y="${f(y)}" width="${f(width)}" height="${f(height)}" rx="3"/><text x="${f(x + width / 2)}" y="${f(y + height - 3.5)}" text-anchor="middle">${escapeXml(text)}</text></g>`,
  );
}

/** Draws a laid-out chart: compounds behind, then edges, states, and edge labels on top. */
export function renderSvg(chart: LaidOutChart, graph: FlowGraph, highlight?: string): string {
  if (highlight !== undefined && !graph.nodes.some((n) => n.id === highlight)) {
    throw new Error(`Cannot highlight "${highlight}": the chart of "${graph.id}" has no such state`);
  }
  const marker = `cf-arrow-${ids(graph.id)}`;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="cf-chart" data-flow="${escapeXml(graph.id)}" viewBox="0 0 ${f(chart.width)} ${f(chart.height)}" width="${f(chart.width)}" height="${f(chart.height)}" role="img" aria-label="${escapeXml(`Statechart of ${graph.id}`)}">`,
    `<title>${escapeXml(graph.id)}</title>`,
    `<defs><marker id="${marker}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#475569"/></marker></defs>`,
    `<style>${CHART_CSS}</style>`,
  ];
  for (const n of chart.nodes) if (n.compound) drawNode(n, graph, highlight, out);
  for (const e of chart.edges) drawEdge(e, marker, out);
  for (const n of chart.nodes) if (!n.compound) drawNode(n, graph, highlight, out);
  for (const e of chart.edges) drawLabel(e, out);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Renders a flow as a standalone SVG laid out by ELK: no fonts, scripts or links to fetch. */
export async function toSvg(input: ChartInput, opts: SvgOptions = {}): Promise<string> {
  const graph = chartGraph(input, opts);
  return renderSvg(await layoutGraph(graph), graph, opts.highlight);
}
