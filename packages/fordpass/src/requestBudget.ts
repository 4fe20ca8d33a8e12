import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@configflow/core';
import { FordRateLimited } from './errors.ts';

const DAY_MS = 86_400_000;

/** Ford's helpdesk speaks of about 250 calls per day per account; accounts above it got locked. */
export const DEFAULT_REQUESTS_PER_DAY = 250;

/**
 * One account's request allowance, shared by every vehicle entry of the account. Fixed windows of one
 * UTC day (as the helpdesk counts "per day"). A request beyond it is refused before it is sent, and a
 * 429 from Ford blocks the whole account until its Retry-After, so siblings do not keep knocking.
 */
/** How many requests are reserved on disk at a time: one write per block, not per request. */
const BLOCK = 10;

export class RequestBudget {
  private day = -1;
  private used = 0;
  private blockedUntil = 0;
  /** Requests of `day` already written to the ledger as spent (a reservation made before use). */
  private reserved = 0;
  private loading: Promise<void> | undefined;

  /**
   * With a `ledger` path the count survives a restart or a crash: requests are reserved on disk in
   * blocks *before* they are sent, and a restart assumes the whole last reservation was spent, so the
   * count can only err on the safe side (Ford counts every request, whether or not we remember it).
   */
  constructor(
    readonly perDay: number = DEFAULT_REQUESTS_PER_DAY,
    private readonly now: () => number = Date.now,
    private readonly ledger?: string,
  ) {}

  /** Reads the ledger once; every other method works on the loaded count. */
  ready(): Promise<void> {
    this.loading ??= (async () => {
      if (!this.ledger) return;
      try {
        const saved = JSON.parse(await readFile(this.ledger, 'utf8')) as { day?: number; reserved?: number };
        this.roll(this.now());
        if (saved.day === this.day && typeof saved.reserved === 'number') {
          this.used = Math.max(this.used, saved.reserved);
          this.reserved = saved.reserved;
        }
      } catch {
        // No ledger yet (or unreadable): nothing spent that we know of.
      }
    })();
    return this.loading;
  }

  /** Counts one request, or throws FordRateLimited saying how long to wait. */
  async take(): Promise<void> {
    await this.ready();
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
    if (this.ledger && this.used > this.reserved) {
      this.reserved = this.used + BLOCK - 1;
      await writeFileAtomic(this.ledger, JSON.stringify({ day: this.day, reserved: this.reserved }));
    }
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
      this.reserved = 0;
    }
  }
}
