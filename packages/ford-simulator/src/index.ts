export type { Account } from './accounts.ts';
export { browserSignIn, type SignInCredentials } from './browserSignIn.ts';
export { type Clock, SimClock } from './clock.ts';
export {
  COMMAND_TYPES,
  type CommandOutcomeSetting,
  type CommandResult,
  type CommandState,
  type CommandType,
  type StateCase,
} from './commands.ts';
export { APPLICATION_IDS, applicationIdFor, B2C_TENANT, FORD_CLIENT_ID, REDIRECT_URIS } from './constants.ts';
export {
  type AccountView,
  ControlError,
  type CreateAccountInput,
  type FaultView,
  type LoginInput,
  SimControl,
  type VehiclePatch,
  type VehicleSpecInput,
  type VehicleSummary,
  type VehicleView,
} from './control.ts';
export { createCodeVerifier, pkceChallenge } from './encoding.ts';
export { FAULT_ROUTES, type FaultRoute, type FaultSpec } from './faults.ts';
export { type DecodedJwt, decodeJwt } from './jwt.ts';
export { DEFAULT_RATE_LIMIT, type RateLimitShape } from './rateLimit.ts';
export { BUDGETED_ROUTES, ROUTE_NAMES, type RouteName } from './routeNames.ts';
export {
  type FordSimulator,
  type FordSimulatorOptions,
  type SimulatorState,
  startFordSimulator,
} from './server.ts';
export type { AccountStats, StatsSnapshot } from './stats.ts';
export type { EngineType } from './vehicles.ts';
