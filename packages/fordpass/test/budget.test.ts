import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FordRateLimited, MemoryBudgetLedger, RequestBudget } from '../src/index.ts';
import { START, tempDir } from './helpers.ts';

const DAY_MS = 86_400_000;

/** Takes until refused; how many were granted. */
async function drain(budget: RequestBudget): Promise<number> {
  let granted = 0;
  for (;;) {
    try {
      await budget.take();
      granted += 1;
    } catch (error) {
      expect(error).toBeInstanceOf(FordRateLimited);
      return granted;
    }
  }
}

describe('RequestBudget ledgers', () => {
  it('the file ledger reserves blocks before use, so a restart errs on the safe side', async () => {
    let now = START * 1000;
    const path = join(await tempDir(), 'account.budget.json');
    const first = new RequestBudget(25, () => now, path);
    for (let i = 0; i < 3; i++) await first.take();
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ reserved: 10 });
    expect(first.snapshot().used).toBe(3);
    // A restart on the same day: the whole block counts as spent, the rest of the day is granted.
    const second = new RequestBudget(25, () => now, path);
    await second.ready();
    expect(second.snapshot().used).toBe(10);
    expect(await drain(second)).toBe(15);
    now += DAY_MS;
    expect(await drain(new RequestBudget(25, () => now, path))).toBe(25);
  });

  it('concurrent takes in one process never pass the limit', async () => {
    const path = join(await tempDir(), 'account.budget.json');
    const budget = new RequestBudget(25, () => START * 1000, path);
    const results = await Promise.allSettled(Array.from({ length: 60 }, () => budget.take()));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(25);
    expect(budget.snapshot().used).toBe(25);
  });

  it('budgets on one shared ledger count together, and one 429 holds them all', async () => {
    let now = START * 1000;
    const ledger = new MemoryBudgetLedger();
    const a = new RequestBudget(25, () => now, ledger);
    const b = new RequestBudget(25, () => now, ledger);
    await a.block(now + 60_000);
    await b.ready();
    expect(b.waitMs(1)).toBe(60_000);
    await expect(b.take()).rejects.toThrow(FordRateLimited);
    now += 60_000;
    const granted = await Promise.all([drain(a), drain(b)]);
    expect(granted[0]! + granted[1]!).toBe(25);
    await a.ready();
    expect(a.snapshot().used).toBe(25);
  });
});
