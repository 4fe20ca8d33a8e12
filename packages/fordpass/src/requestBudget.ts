import { type BudgetGrant, type BudgetLedger, type BudgetState, MemoryBudgetLedger } from './budgetLedger.ts';
import { FordRateLimited } from './errors.ts';
import { FileBudgetLedger } from './fileBudgetLedger.ts';

const DAY_MS = 86_400_000;

/** Ford's helpdesk speaks of about 250 calls per day per account; accounts above it got locked. */
export const DEFAULT_REQUESTS_PER_DAY = 250;

/**
 * One account's request allowance, shared by every vehicle entry of the account. Fixed windows of one
 * UTC day (as the helpdesk counts "per day"). A request beyond it is refused before it is sent, and a
 * 429 from Ford blocks the whole account until its Retry-After, so siblings do not keep knocking.
 *
 * The count lives in a ledger: requests are reserved there before they are sent. A file ledger (a
 * path) survives a restart; a shared one (e.g. `@configflow/postgres`'s) is the account's count across
 * every server on it, so Ford's per-account allowance and its 429s hold for the cluster, not per server.
 */
export class RequestBudget {
  private day = -1;
  /** The account's requests of `day` as the ledger last said (every reserver's, ours included). */
  private reserved = 0;
  /** Of our own reservations of `day`, the requests not sent yet. */
  private left = 0;
  private blockedUntil = 0;
  private readonly ledger: BudgetLedger;
  private reserving: Promise<void> | undefined;

  /** `ledger`: a file path for the JSON file ledger, or any BudgetLedger; none keeps the count in memory. */
  constructor(
    readonly perDay: number = DEFAULT_REQUESTS_PER_DAY,
    private readonly now: () => number = Date.now,
    ledger?: string | BudgetLedger,
  ) {
    this.ledger =
      typeof ledger === 'string' ? new FileBudgetLedger(ledger) : (ledger ?? new MemoryBudgetLedger());
  }

  /**
   * Brings the count up to what the ledger holds (on a shared one, other servers' requests and 429s),
   * so `waitMs` can hold a poll before anything is sent. A read that fails changes nothing: `take`
   * reserves from the ledger anyway, and that is what never lets a request past the limit.
   */
  async ready(): Promise<void> {
    this.learn(await this.ledger.read().catch(() => undefined));
  }

  /** Counts one request, or throws FordRateLimited saying how long to wait. */
  async take(): Promise<void> {
    for (;;) {
      const wait = this.waitMs(1);
      if (wait > 0) {
        throw new FordRateLimited(
          this.blockedUntil > this.now()
            ? 'Ford asked us to slow down for this account'
            : `Request budget of ${this.perDay} per day used up for this account`,
          wait,
        );
      }
      if (this.left > 0) {
        this.left -= 1;
        return;
      }
      // One reservation at a time; concurrent takes share it, then look again.
      this.reserving ??= this.reserve().finally(() => {
        this.reserving = undefined;
      });
      await this.reserving;
    }
  }

  /** 0 when `count` requests fit now; else milliseconds until they do. */
  waitMs(count: number): number {
    const now = this.now();
    this.roll(now);
    if (this.blockedUntil > now) return this.blockedUntil - now;
    if (this.reserved - this.left + count <= this.perDay) return 0;
    return (this.day + 1) * DAY_MS - now;
  }

  /**
   * Ford said 429: nothing for this account until `until` (epoch ms), here at once and through the
   * ledger for whoever shares it. The promise settles when the ledger has it and never rejects: a
   * ledger that cannot take it leaves the block in this process only.
   */
  block(until: number): Promise<void> {
    this.blockedUntil = Math.max(this.blockedUntil, until);
    return this.ledger.block(until).catch(() => {});
  }

  /** `used`: the account's requests today as last seen (on a shared ledger, every server's). */
  snapshot(): { used: number; limit: number; blockedUntil: number | null } {
    this.roll(this.now());
    return {
      used: this.reserved - this.left,
      limit: this.perDay,
      blockedUntil: this.blockedUntil > this.now() ? this.blockedUntil : null,
    };
  }

  private async reserve(): Promise<void> {
    const now = this.now();
    this.roll(now);
    const day = this.day;
    const reply: BudgetGrant = await this.ledger.reserve({
      day,
      count: this.ledger.perReservation,
      limit: this.perDay,
      now,
    });
    this.learn(reply);
    if (this.day !== day) return; // the day turned meanwhile: yesterday's grant is worth nothing
    if (reply.granted > 0) this.left += reply.granted;
    // Refused while not blocked: the day is spent as far as the ledger is concerned (another
    // server's clock may already be on the next day); counted as spent so `take` stops asking.
    else if (!(this.blockedUntil > this.now())) this.reserved = Math.max(this.reserved, this.perDay);
  }

  private learn(state: BudgetState | undefined): void {
    this.roll(this.now());
    if (!state) return;
    this.blockedUntil = Math.max(this.blockedUntil, state.blockedUntil);
    if (state.day === this.day) this.reserved = Math.max(this.reserved, state.reserved);
  }

  private roll(now: number): void {
    const day = Math.floor(now / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.reserved = 0;
      this.left = 0;
    }
  }
}
