import { AccountStore } from './accounts.ts';
import { SECONDS_PER_DAY } from './constants.ts';

export type BudgetVerdict = { ok: true } | { ok: false; retryAfterSeconds: number; limit: number };

/** Index of the simulated UTC day; the budget window and `byDay` stats are keyed by it. */
export function dayIndex(now: number): number {
  return Math.floor(now / SECONDS_PER_DAY);
}

/**
 * Per-account request budget in FIXED windows of one simulated UTC day (00:00-24:00): the count
 * resets at each simulated midnight, so `Retry-After` is the time left until then. Fixed rather than
 * sliding because Ford's helpdesk speaks of "250 calls per day", and it is easy to reason about in tests.
 */
export class RequestBudget {
  readonly #used = new Map<string, { day: number; count: number }>();

  /** `perDay` of Infinity disables the budget. */
  constructor(readonly perDay: number) {}

  /** Counts the request if the account has budget left; otherwise says when it frees. */
  tryConsume(username: string, now: number): BudgetVerdict {
    if (this.used(username, now) >= this.perDay) {
      const retryAfterSeconds = Math.max(1, Math.ceil((dayIndex(now) + 1) * SECONDS_PER_DAY - now));
      return { ok: false, retryAfterSeconds, limit: this.perDay };
    }
    this.charge(username, now);
    return { ok: true };
  }

  /** Counts a request that Ford would have seen even though it did not pass the budget check (faults). */
  charge(username: string, now: number): void {
    const key = AccountStore.key(username);
    const day = dayIndex(now);
    const entry = this.#used.get(key);
    if (entry && entry.day === day) entry.count += 1;
    else this.#used.set(key, { day, count: 1 });
  }

  used(username: string, now: number): number {
    const entry = this.#used.get(AccountStore.key(username));
    return entry && entry.day === dayIndex(now) ? entry.count : 0;
  }

  clear(): void {
    this.#used.clear();
  }
}
