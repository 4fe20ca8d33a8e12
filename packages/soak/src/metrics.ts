import type { Ledger } from './ledger.ts';

/** One asserted problem, with enough to find it in a log. */
export interface Finding {
  at: number;
  account: string;
  detail: string;
}

interface PendingRevocation {
  subject: string;
  revokedAt: number;
  deadline: number;
}

/**
 * The promised numbers. Each asserted one is a list of findings (its length is the metric); the
 * informational ones explain the rest (why reauths happened, how quickly the user was asked).
 */
export class Metrics {
  readonly falseReauths: Finding[] = [];
  readonly missedReauths: Finding[] = [];
  readonly duplicateReauths: Finding[] = [];
  readonly lostAcrossCrashes: Finding[] = [];
  readonly overBudget: Finding[] = [];
  readonly stuckEntries: Finding[] = [];

  reauthFlows = 0;
  reauthsAfterRevocation = 0;
  reauthsAfterLostRotation = 0;
  reauthsCompleted = 0;
  userRetries = 0;
  readonly detectionMs: number[] = [];
  crashes = 0;
  racesWithOneRotation = 0;
  racesWithMoreRotations = 0;
  loadedButUnavailable = 0;

  private readonly pending: PendingRevocation[] = [];
  private readonly duplicateSeen = new Set<string>();

  /** Decides whether a new reauth flow for `subject` was called for. */
  reauthOpened(ledger: Ledger, subject: string, now: number, diskToken: string | undefined): void {
    this.reauthFlows++;
    const truth = ledger.get(subject);
    if (!truth) return;
    if (truth.revokedAt !== null) {
      this.reauthsAfterRevocation++;
      const i = this.pending.findIndex((p) => p.subject === subject);
      if (i >= 0) {
        this.detectionMs.push(now - this.pending[i]!.revokedAt);
        this.pending.splice(i, 1);
      }
      return;
    }
    if (truth.lostInFlight) {
      this.reauthsAfterLostRotation++;
      return;
    }
    const workable = diskToken !== undefined && truth.valid.has(diskToken);
    this.falseReauths.push({
      at: now,
      account: truth.username,
      detail: workable
        ? 'the stored refresh token still worked'
        : `not revoked, but the stored refresh token is dead (${truth.valid.size} valid token(s) at Ford)`,
    });
  }

  /** More than one reauth flow open for one account (counted once per account and moment). */
  openReauths(byAccount: Map<string, number>, usernames: (subject: string) => string, now: number): void {
    for (const [subject, open] of byAccount) {
      if (open <= 1) continue;
      const key = `${subject}@${now}`;
      if (this.duplicateSeen.has(key)) continue;
      this.duplicateSeen.add(key);
      this.duplicateReauths.push({
        at: now,
        account: usernames(subject),
        detail: `${open} reauth flows open`,
      });
    }
  }

  revoked(subject: string, now: number, deadline: number): void {
    this.pending.push({ subject, revokedAt: now, deadline });
  }

  /** Moves deadlines of sleeping time (a clock jump is time the app did not run). */
  shiftDeadlines(ms: number): void {
    for (const p of this.pending) p.deadline += ms;
  }

  /**
   * Revocations past their deadline without a reauth flow. While Ford cannot be asked (an injected
   * fault still on, or the account's budget used up) the deadline moves: nobody can notice then.
   */
  checkMissed(
    now: number,
    hasOpenReauth: (subject: string) => boolean,
    heldUntil: (subject: string) => number,
    grace: (subject: string) => number,
    usernames: (subject: string) => string,
  ): void {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const p = this.pending[i]!;
      if (hasOpenReauth(p.subject)) {
        this.detectionMs.push(now - p.revokedAt);
        this.pending.splice(i, 1);
        continue;
      }
      if (now <= p.deadline) continue;
      const held = heldUntil(p.subject);
      if (held > now) {
        p.deadline = held + grace(p.subject);
        continue;
      }
      this.missedReauths.push({
        at: now,
        account: usernames(p.subject),
        detail: `revoked ${Math.round((now - p.revokedAt) / 60_000)} min ago, no reauth flow`,
      });
      this.pending.splice(i, 1);
    }
  }

  get asserted(): Record<string, number> {
    return {
      false_reauth_prompts: this.falseReauths.length,
      missed_reauths: this.missedReauths.length,
      duplicate_reauth_flows: this.duplicateReauths.length,
      refresh_tokens_lost_across_crashes: this.lostAcrossCrashes.length,
      requests_over_budget: this.overBudget.length,
      entries_stuck_after_faults: this.stuckEntries.length,
    };
  }
}
