/** The Ford API routes the simulator serves; the names key stats, faults and the budget. */
export const ROUTE_NAMES = [
  'authorize',
  'token',
  'cat',
  'refresh',
  'autonomic',
  'vehicles',
  'status',
  'command',
  'telemetryQuery',
  'garage',
  'messages',
  'rccProfile',
  'chargeTimes',
  'chargeLogs',
  'inventory',
] as const;
export type RouteName = (typeof ROUTE_NAMES)[number];

/**
 * Routes that cost an account request budget: every authenticated API call. Signing in (authorize,
 * code exchange) is not counted, so a locked-out account can still log in.
 */
export const BUDGETED_ROUTES: ReadonlySet<RouteName> = new Set(
  ROUTE_NAMES.filter((name) => name !== 'authorize' && name !== 'token'),
);
