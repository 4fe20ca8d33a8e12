export { formatReport, passed } from './report.ts';
export { FAULT_KINDS, type FaultKind, longScenario, type Scenario, shortScenario } from './scenario.ts';
export { runSoak, type SoakResult } from './soak.ts';
