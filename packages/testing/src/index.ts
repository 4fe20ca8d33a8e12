export { formatCoverageTable } from './coverageTable.ts';
export {
  type EdgeEvent,
  type EdgeKind,
  edgeEvent,
  exploreFlow,
  type FlowEdge,
  type FlowGraph,
  flowEdges,
} from './flowGraph.ts';
export {
  createFlowHarness,
  type FlowHarness,
  type FlowHarnessOptions,
  type HarnessInitOptions,
} from './harness.ts';
export { addMockEntry, type MockEntryInit } from './mockEntry.ts';
export {
  CoverageFailed,
  type CoverageReport,
  type CoverageSpec,
  coverage,
  describeResult,
  type EdgeCoverage,
  type EdgeRecipe,
  type EndCoverage,
  runCoverage,
  type SourceRecipe,
  type StepCoverage,
} from './pathCoverage.ts';
export {
  assertResultTranslated,
  resultTranslationProblems,
  type TranslationCheckOptions,
  translationSpecFor,
} from './translations.ts';
