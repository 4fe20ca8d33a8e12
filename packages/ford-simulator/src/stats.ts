import { dayIndex } from './budget.ts';
import type { RouteName } from './routeNames.ts';

export interface AccountStats {
  /** Requests attributed to the account on any Ford route (faulted and rate-limited ones included). */
  requests: number;
  byRoute: Partial<Record<RouteName, number>>;
  /** Successful CAT refresh-token rotations. */
  refreshes: number;
  /** 429 responses the account received (budget or injected). */
  rateLimited: number;
  /** Requests answered by an injected fault. */
  faulted: number;
  /** Requests per simulated UTC day index (`floor(epochSeconds / 86400)`). */
  byDay: Record<string, number>;
}

export interface StatsSnapshot {
  /** Every request per Ford route, attributed to an account or not. */
  routes: Partial<Record<RouteName, number>>;
  accounts: Record<string, AccountStats>;
  refreshes: number;
  /** Every 429 the simulator sent. */
  rateLimited: number;
  faulted: number;
  /** Simulated time of the snapshot, epoch seconds. */
  now: number;
}

export class Stats {
  #routes: Partial<Record<RouteName, number>> = {};
  #accounts = new Map<string, AccountStats>();
  #refreshes = 0;
  #rateLimited = 0;
  #faulted = 0;

  recordRequest(route: RouteName, username: string | undefined, now: number): void {
    this.#routes[route] = (this.#routes[route] ?? 0) + 1;
    if (username === undefined) return;
    const account = this.#account(username);
    account.requests += 1;
    account.byRoute[route] = (account.byRoute[route] ?? 0) + 1;
    const day = String(dayIndex(now));
    account.byDay[day] = (account.byDay[day] ?? 0) + 1;
  }

  recordRefresh(username: string): void {
    this.#refreshes += 1;
    this.#account(username).refreshes += 1;
  }

  recordRateLimited(username: string | undefined): void {
    this.#rateLimited += 1;
    if (username !== undefined) this.#account(username).rateLimited += 1;
  }

  recordFault(username: string | undefined): void {
    this.#faulted += 1;
    if (username !== undefined) this.#account(username).faulted += 1;
  }

  /** A deep copy, so callers can keep it across later requests. */
  snapshot(now: number): StatsSnapshot {
    const accounts: Record<string, AccountStats> = {};
    for (const [username, stats] of this.#accounts) {
      accounts[username] = { ...stats, byRoute: { ...stats.byRoute }, byDay: { ...stats.byDay } };
    }
    return {
      routes: { ...this.#routes },
      accounts,
      refreshes: this.#refreshes,
      rateLimited: this.#rateLimited,
      faulted: this.#faulted,
      now,
    };
  }

  clear(): void {
    this.#routes = {};
    this.#accounts.clear();
    this.#refreshes = 0;
    this.#rateLimited = 0;
    this.#faulted = 0;
  }

  #account(username: string): AccountStats {
    let stats = this.#accounts.get(username);
    if (!stats) {
      stats = { requests: 0, byRoute: {}, refreshes: 0, rateLimited: 0, faulted: 0, byDay: {} };
      this.#accounts.set(username, stats);
    }
    return stats;
  }
}
