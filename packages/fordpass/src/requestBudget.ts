import { FordRateLimited } from './errors.ts';

const DAY_MS = 86_400_000;

/** Ford's helpdesk speaks of about 250 calls per day per account; accounts above it got locked. */
export const DEFAULT_REQUESTS_PER_DAY = 250;

/**
 * One account's request allowance, shared by every vehicle entry of the account. Fixed windows of one
 * UTC day (as the helpdesk counts "per day"). A request beyond it is refused before it is sent, and a
 * 429 from Ford blocks the whole account until its Retry-After, so siblings do not keep knocking.
 */
export class RequestBudget {
  private day = -1;
  private used = 0;
  private blockedUntil = 0;

  constructor(
    readonly perDay: number = DEFAULT_REQUESTS_PER_DAY,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request, or throws FordRateLimited saying how long to wait. */
  take(): void {
    const wait = this.waitMs(1);
    if (wait > 0) {
      throw new FordRateLimited(
        this.blockedUntil > this.now()
          ? 'Ford asked us to slow down for this account'
          : `Request budget of ${this.perDay} per day used up for this account`,
        wait,
      );
    }
    this.used += 1;
  }

  /** 0 when `count` requests fit now; else milliseconds until they do. */
  waitMs(count: number): number {
    const now = this.now();
    this.roll(now);
    if (this.blockedUntil > now) return this.blockedUntil - now;
    if (this.used + count <= this.perDay) return 0;
    return (this.day + 1) * DAY_MS - now;
  }

  /** Ford said 429: nothing for this account until `until` (epoch ms). */
  block(until: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, until);
  }

  snapshot(): { used: number; limit: number; blockedUntil: number | null } {
    this.roll(this.now());
    return {
      used: this.used,
      limit: this.perDay,
      blockedUntil: this.blockedUntil > this.now() ? this.blockedUntil : null,
    };
  }

  private roll(now: number): void {
    const day = Math.floor(now / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.used = 0;
    }
  }
}
