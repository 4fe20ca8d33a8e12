import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@configflow/core';
import { type BudgetGrant, type BudgetLedger, type BudgetState, grant } from './budgetLedger.ts';

/**
 * One account's count in a JSON file of the data dir (one server holds the dir, so it is the only
 * writer and keeps the state in memory after the first read). Requests are reserved in blocks *before*
 * they are sent, one write per block, and a restart takes the whole last block as spent: the count can
 * only err on the safe side (Ford counts every request, whether or not we remember it).
 */
export class FileBudgetLedger implements BudgetLedger {
  readonly perReservation = 10;
  private state: Promise<BudgetState | undefined> | undefined;
  /** Reservations and blocks one after another, each on the state the previous one left. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  read(): Promise<BudgetState | undefined> {
    this.state ??= (async () => {
      try {
        const saved = JSON.parse(await readFile(this.path, 'utf8')) as Partial<BudgetState>;
        if (typeof saved.day !== 'number' || typeof saved.reserved !== 'number') return undefined;
        return { day: saved.day, reserved: saved.reserved, blockedUntil: saved.blockedUntil ?? 0 };
      } catch {
        return undefined; // No ledger yet (or unreadable): nothing spent that we know of.
      }
    })();
    return this.state;
  }

  reserve(r: { day: number; count: number; limit: number; now: number }): Promise<BudgetGrant> {
    return this.serially(async () => {
      const next = grant(await this.read(), r);
      if (next.granted > 0) await this.save(next);
      return next;
    });
  }

  block(until: number): Promise<void> {
    return this.serially(async () => {
      const state = await this.read();
      await this.save({
        day: state?.day ?? 0,
        reserved: state?.reserved ?? 0,
        blockedUntil: Math.max(state?.blockedUntil ?? 0, until),
      });
    });
  }

  private serially<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op);
    this.queue = run.catch(() => {});
    return run;
  }

  /** Written before it counts: a failed write leaves the state as it was, and the caller sends nothing. */
  private async save(s: BudgetState): Promise<void> {
    const state: BudgetState = { day: s.day, reserved: s.reserved, blockedUntil: s.blockedUntil };
    await writeFileAtomic(this.path, JSON.stringify(state));
    this.state = Promise.resolve(state);
  }
}
