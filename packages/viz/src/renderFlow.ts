import type { ConfigFlow, FlowKind } from '@configflow/core';
import { toDot } from './dot.ts';
import { toHtml } from './html.ts';
import { toMermaid } from './mermaid.ts';
import { toStatelyJson } from './statelyJson.ts';
import { toSvg } from './svg.ts';

export const FORMATS = ['mermaid', 'dot', 'svg', 'html', 'json'] as const;
export type VizFormat = (typeof FORMATS)[number];

export interface RenderFlowOptions {
  format: VizFormat;
  /** Only the steps this source reaches (`configflow viz <domain> --flow reauth`). */
  source?: string;
  /** The config flow (default) or the options flow. */
  flowKind?: FlowKind;
  /** Steps and their edges only (no running/idle substates). */
  steps?: boolean;
}

/** One entry point for the CLI: a flow in any format, as the text to print or write. */
export async function renderFlow(
  flow: ConfigFlow,
  { format, source, flowKind, steps }: RenderFlowOptions,
): Promise<string> {
  const opts = {
    ...(source === undefined ? {} : { source }),
    ...(flowKind === undefined ? {} : { flow: flowKind }),
    ...(steps ? { steps } : {}),
  };
  switch (format) {
    case 'mermaid':
      return toMermaid(flow, opts);
    case 'dot':
      return toDot(flow, opts);
    case 'svg':
      return toSvg(flow, opts);
    case 'html':
      return toHtml(flow, opts);
    case 'json':
      return `${JSON.stringify(toStatelyJson(flow, opts), null, 2)}\n`;
    default:
      throw new Error(`Unknown format "${String(format)}" (use ${FORMATS.join(', ')})`);
  }
}
