export { AccountSession } from './accountSession.ts';
export { B2C_TENANT, buildAuthorizeUrl, FORD_CLIENT_ID, REDIRECT_URIS } from './authorizeUrl.ts';
export { type BaseUrls, DEFAULT_BASE_URLS, resolveBaseUrls, sameOrigin } from './baseUrls.ts';
export {
  type BudgetGrant,
  type BudgetLedger,
  type BudgetState,
  MemoryBudgetLedger,
} from './budgetLedger.ts';
export {
  COMMAND_TYPES,
  type CommandOutcome,
  type CommandResult,
  type CommandType,
  commandDelayMs,
  DEFAULT_COMMAND_BACKOFF,
  readCommandState,
} from './commands.ts';
export { type CoordinatorEvent, VehicleCoordinator } from './coordinator.ts';
export { REDACTED, redactDiagnostics } from './diagnostics.ts';
export { type EntryData, VIN_PATTERN } from './entryData.ts';
export {
  DEFAULT_POLL_INTERVAL_S,
  type EntryOptions,
  MIN_POLL_INTERVAL_S,
  readOptions,
} from './entryOptions.ts';
export {
  ApiChanged,
  ApplicationIdRejected,
  FordRateLimited,
  FordUnavailable,
  NoTokens,
  SignInRejected,
  StillUnauthorized,
  TokenInvalid,
  VehicleNotAuthorized,
} from './errors.ts';
export { FileBudgetLedger } from './fileBudgetLedger.ts';
export { createFordPassFlow, DOMAIN } from './flow.ts';
export {
  type FetchLike,
  FordClient,
  isInvalidApplicationIdBody,
  isInvalidTokenBody,
  retryAfterMs,
} from './fordClient.ts';
export {
  createFordPassIntegration,
  type FordPassIntegration,
  type FordPassOptions,
  type FordPassRuntime,
} from './integration.ts';
export { type PasteError, type PasteResult, parsePastedRedirect } from './pastedUrl.ts';
export { type Brand, findRegion, REGIONS, type Region } from './regions.ts';
export { DEFAULT_REQUESTS_PER_DAY, RequestBudget } from './requestBudget.ts';
export type { SharedTokenStorage } from './sessionRegistry.ts';
export { strings } from './strings.ts';
export {
  type AccountTokenStore,
  type AccountTokens,
  accountTokensSchema,
  type LoadResult,
  type StoredAccount,
  TokenStore,
} from './tokenStore.ts';
export {
  type DistanceUnit,
  displayState,
  lockStateOf,
  type PressureUnit,
  type VehicleState,
  vehicleStateFrom,
} from './vehicleState.ts';
