export { writeFileAtomic } from './atomicFile.ts';
export type { Clock } from './clock.ts';
export { FakeClock, systemClock } from './clock.ts';
export { abortState, CREATE_ENTRY_STATE, UNKNOWN } from './compileMachine.ts';
export {
  ConfigEntries,
  type EntryEvent,
  type EntryReloader,
  UniqueIdTaken,
  UnknownEntry,
} from './configEntries.ts';
export type { ConfigEntry, EntryState } from './configEntry.ts';
export {
  type ConfigFlow,
  type ConfigFlowSpec,
  defineConfigFlow,
  type FlowDescription,
  type FlowKind,
  type OptionsFlowSpec,
} from './defineConfigFlow.ts';
export {
  type Availability,
  type EntryOwnership,
  EntryRuntime,
  type EntryRuntimeOptions,
  type EntryStatus,
} from './entryRuntime.ts';
export { type EntryStore, JsonFileEntryStore, MemoryEntryStore } from './entryStore.ts';
export {
  AbortFlow,
  FlowDefinitionError,
  FlowError,
  InvalidFlowData,
  InvalidInput,
  TooManyFlows,
  UnknownFlow,
  UnknownHandler,
  UnknownStep,
  UnsupportedSource,
} from './errors.ts';
export {
  type FlowEvent,
  type FlowFilter,
  FlowManager,
  type FlowManagerOptions,
  stepOf,
} from './flowManager.ts';
export { type FlowRecord, type FlowStore, JsonFileFlowStore, MemoryFlowStore } from './flowStore.ts';
export {
  AuthFailed,
  EntryError,
  EntryNotReady,
  type Integration,
  RateLimited,
  type SetupContext,
} from './integration.ts';
export { InProcessLock, type Lock } from './lock.ts';
export type { Outcome } from './outcome.ts';
export { MemoryReauthCounts, type ReauthCounts } from './reauthCounts.ts';
export { REDACTED, redact, scrub, secretValues } from './redact.ts';
export { DEFAULT_DISCOVERY_UNIQUE_ID } from './stepRunner.ts';
export type {
  AnyStep,
  EntryChanges,
  RenderApi,
  RenderInfo,
  StepApi,
  StepBuilders,
  StepKind,
} from './steps.ts';
export type { EntrySummary, FieldErrors, FlowResult, Json, JsonObject, ResultType, Source } from './types.ts';
