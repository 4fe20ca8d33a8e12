/** Everything that differs between the short (CI) and the long soak: the code is the same. */
export interface Scenario {
  name: 'short' | 'long';
  seed: number;
  accounts: number;
  entries: number;
  /** Simulated days with faults; a quiet period follows. */
  days: number;
  /** Ford's requests per account per UTC day: the simulator enforces it, the adapter is told it. */
  budgetPerDay: number;
  /**
   * `fit-budget`: the user sets each entry's poll interval (options flow) so that the account's vehicles
   * use about 70 % of the budget; `default`: every entry keeps the adapter's 15 minutes.
   */
  pollPolicy: 'fit-budget' | 'default';
  /** `sign-in`: every vehicle through the sign-in flow; `add-vehicle`: only the first of each account. */
  enrollment: 'sign-in' | 'add-vehicle';
  /** Timers due within one quantum fire together at its end (simulated ms): the lock-step's grain. */
  quantumMs: number;
  /** No faults at the end, then entries must be loaded (extended past a budget reset if needed). */
  quietMs: number;
  /** Injections per simulated day (fractions allowed: 0.5 = one every other day). */
  perDay: Record<FaultKind, number>;
  /** Work around known bugs in core/fordpass so the soak measures the rest (see docs/soak.md). */
  /** Where entries, flows and token files live; a fresh temporary folder by default. */
  dataDir?: string;
}

export const FAULT_KINDS = [
  'clock_jump',
  'refresh_race',
  'revocation',
  'http_5xx',
  'connection_reset',
  'latency',
  'rate_limit_retry_after',
  'rate_limit_bare',
  'crash_idle',
  'crash_refresh_request',
  'crash_refresh_response',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const MINUTE = 60_000;

export function shortScenario(seed = 1): Scenario {
  return {
    name: 'short',
    seed,
    accounts: 20,
    entries: 60,
    days: 3,
    budgetPerDay: 250,
    pollPolicy: 'fit-budget',
    enrollment: 'sign-in',
    quantumMs: 5_000,
    quietMs: 180 * MINUTE,
    perDay: {
      clock_jump: 1,
      refresh_race: 4,
      revocation: 3,
      http_5xx: 3,
      connection_reset: 3,
      latency: 2,
      rate_limit_retry_after: 2,
      rate_limit_bare: 2,
      crash_idle: 1,
      crash_refresh_request: 1,
      crash_refresh_response: 1,
    },
  };
}

export function longScenario(seed = 1): Scenario {
  return {
    ...shortScenario(seed),
    name: 'long',
    accounts: 300,
    entries: 1000,
    days: 30,
    enrollment: 'add-vehicle',
    perDay: {
      clock_jump: 0.5,
      refresh_race: 20,
      revocation: 12,
      http_5xx: 6,
      connection_reset: 6,
      latency: 4,
      rate_limit_retry_after: 4,
      rate_limit_bare: 4,
      crash_idle: 1,
      crash_refresh_request: 1,
      crash_refresh_response: 0.5,
    },
  };
}
