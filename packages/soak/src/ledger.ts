/**
 * What the simulator knows and the app may not: which refresh tokens of each account still work,
 * whether the account was revoked, and how many budgeted requests Ford counted per day. Kept from the
 * wire's point of view (every request and answer), never from the app's own state.
 */
export interface AccountTruth {
  subject: string;
  username: string;
  /** Refresh tokens Ford would accept now (a rotation consumes one and adds one; a sign-in adds one). */
  valid: Set<string>;
  /** Set by a revocation, cleared by the next sign-in. */
  revokedAt: number | null;
  /** A crash swallowed the answer to a rotation Ford completed: the stored token is dead, unavoidably. */
  lostInFlight: boolean;
  /** Budgeted requests Ford counted, per UTC day index. */
  byDay: Map<number, number>;
  /** 429s from the budget itself (not injected). */
  budget429: number;
  /** Rotations Ford completed for the account. */
  rotations: number;
}

const DAY_MS = 86_400_000;

export class Ledger {
  readonly accounts = new Map<string, AccountTruth>();
  /** Rotations Ford completed whose answer died with a crashed process. */
  rotationsLostInFlight = 0;
  requests = 0;
  unattributed = 0;

  register(subject: string, username: string): void {
    this.accounts.set(subject, {
      subject,
      username,
      valid: new Set(),
      revokedAt: null,
      lostInFlight: false,
      byDay: new Map(),
      budget429: 0,
      rotations: 0,
    });
  }

  get(subject: string): AccountTruth | undefined {
    return this.accounts.get(subject);
  }

  /** A request Ford saw and charged (faulted ones too; budget refusals are not charged). */
  counted(subject: string | undefined, now: number): void {
    this.requests++;
    const a = subject ? this.accounts.get(subject) : undefined;
    if (!a) {
      this.unattributed++;
      return;
    }
    const day = Math.floor(now / DAY_MS);
    a.byDay.set(day, (a.byDay.get(day) ?? 0) + 1);
  }

  budgetRefused(subject: string | undefined): void {
    const a = subject ? this.accounts.get(subject) : undefined;
    if (a) a.budget429++;
  }

  /** A CAT pair minted from a sign-in. */
  signedIn(subject: string, refreshToken: string): void {
    const a = this.accounts.get(subject);
    if (!a) return;
    a.valid.add(refreshToken);
    a.revokedAt = null;
    a.lostInFlight = false;
  }

  /** Ford rotated `used` into `fresh`; `delivered` is false when the process died before it got the answer. */
  rotated(subject: string, used: string, fresh: string, delivered: boolean): void {
    const a = this.accounts.get(subject);
    if (!a) return;
    a.valid.delete(used);
    a.valid.add(fresh);
    a.rotations++;
    if (!delivered) {
      a.lostInFlight = true;
      this.rotationsLostInFlight++;
    }
  }

  rejected(subject: string, used: string): void {
    this.accounts.get(subject)?.valid.delete(used);
  }

  revoked(subject: string, now: number): void {
    const a = this.accounts.get(subject);
    if (!a) return;
    a.valid.clear();
    a.revokedAt = now;
  }
}
