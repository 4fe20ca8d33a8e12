export { type ChartInput, type ChartOptions, chartGraph } from './chartInput.ts';
export { toDot } from './dot.ts';
export { type LaidOutChart, layoutGraph } from './elkLayout.ts';
export { type HtmlOptions, toHtml } from './html.ts';
export {
  createRedactor,
  createSanitizedInspector,
  DEFAULT_SECRET_KEYS,
  type FlowInspection,
  flowSecretKeys,
  type InspectFlowOptions,
  inspectFlow,
  REDACTED,
  type SanitizedInspectionEvent,
  type SanitizedInspectorOptions,
  type StatelyInspectorLike,
} from './inspect.ts';
export { toMermaid } from './mermaid.ts';
export { FORMATS, type RenderFlowOptions, renderFlow, type VizFormat } from './renderFlow.ts';
export { type JsonValue, type StatelyConfig, toStatelyJson } from './statelyJson.ts';
export { stepGraph } from './stepGraph.ts';
export { isSuccessfulAbort, type SvgOptions, toSvg } from './svg.ts';
export {
  type EdgeKind,
  type FlowGraph,
  type GraphEdge,
  type GraphNode,
  guardLabel,
  type NodeKind,
  restrictToSource,
  walkMachine,
} from './walk.ts';
