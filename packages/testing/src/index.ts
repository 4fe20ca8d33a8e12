export {
  anyJson,
  deeplyNested,
  formKey,
  formsOf,
  hostileBody,
  hugeString,
  pollutionBody,
  validBody,
  wrongType,
} from './arbitraries.ts';
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
  CANARY_SECRET,
  type FuzzOp,
  type FuzzOptions,
  type FuzzStats,
  fuzzFlows,
  fuzzOps,
  PropertyViolation,
} from './fuzz.ts';
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
