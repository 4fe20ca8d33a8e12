import { FlowManager, RateLimited } from '@configflow/core';
import { createFordPassIntegration, FordRateLimited, RequestBudget } from '@configflow/fordpass';
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  addVehicle,
  createAccount,
  SimDrivenClock,
  START,
  setupContext,
  simUrls,
  startSim,
  tempDir,
  VIN_A,
  VIN_B,
} from '../../fordpass/test/helpers.ts';
import { migrate, PgBudgetLedger, PgLock, pgTokenStorage } from '../src/index.ts';
import { useCluster } from './support/database.ts';

const db = useCluster();
const DAY_MS = 86_400_000;
const LIMIT = 25;
const ACCOUNT = 'ford-account-1';

/** Independent pools on one database: what separate servers have in common is only the database. */
async function instances(count: number) {
  const url = await db.database();
  const pools = Array.from({ length: count }, () => new pg.Pool({ connectionString: url, max: 4 }));
  let ended: Promise<void> | undefined;
  const end = () => {
    ended ??= Promise.all(pools.map((p) => p.end())).then(() => {});
    return ended;
  };
  onTestFinished(end);
  await migrate(pools[0]!);
  return { url, pools, end };
}

/** A server's budget for the account, as FordPass gets it from the `shared` option. */
function budgetOn(pool: pg.Pool, now: () => number): RequestBudget {
  const ledger = pgTokenStorage(pool, new PgLock(pool)).budget!(ACCOUNT);
  return new RequestBudget(LIMIT, now, ledger);
}

/** Concurrent takes on one budget; how many were granted (every refusal is FordRateLimited). */
async function takes(budget: RequestBudget, n: number): Promise<number> {
  const results = await Promise.allSettled(Array.from({ length: n }, () => budget.take()));
  for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(FordRateLimited);
  return results.filter((r) => r.status === 'fulfilled').length;
}

describe('FordPass request budget in PostgreSQL', () => {
  it('three servers taking at once are granted exactly the daily limit between them, never more', async () => {
    const { pools, end } = await instances(3);
    const now = () => START * 1000;
    const granted = await Promise.all(pools.map((p) => takes(budgetOn(p, now), 20)));
    expect(granted.reduce((a, b) => a + b)).toBe(LIMIT);
    // Reservations in blocks, straight on the ledger, from all three at once: the total stops at the limit.
    const day = Math.floor(now() / DAY_MS) + 1;
    const grants = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        new PgBudgetLedger(pools[i % 3]!, 'other').reserve({ day, count: 3, limit: LIMIT, now: now() }),
      ),
    );
    expect(grants.reduce((sum, g) => sum + g.granted, 0)).toBe(LIMIT);
    expect(Math.max(...grants.map((g) => g.reserved))).toBe(LIMIT);
    await end();
  });

  it("a 429 recorded by one server stops the others until its Retry-After (the budget's clock)", async () => {
    const { pools, end } = await instances(3);
    let now = START * 1000;
    const [a, b, c] = pools.map((p) => budgetOn(p, () => now)) as [
      RequestBudget,
      RequestBudget,
      RequestBudget,
    ];
    await a.take();
    await a.block(now + 120_000);
    const refused = await b.take().catch((e) => e);
    expect(refused).toBeInstanceOf(FordRateLimited);
    expect(refused.retryAfterMs).toBe(120_000);
    // A poll holds before sending anything: the coordinator's ready() + waitMs(1).
    await c.ready();
    expect(c.waitMs(1)).toBe(120_000);
    now += 119_999;
    await expect(c.take()).rejects.toThrow(FordRateLimited);
    now += 1;
    await b.take();
    await c.take();
    await c.ready();
    expect(c.snapshot()).toEqual({ used: 3, limit: LIMIT, blockedUntil: null });
    await end();
  });

  it('a new UTC day starts from zero; a server whose clock is still on yesterday gets nothing', async () => {
    const { pools, end } = await instances(2);
    let now = START * 1000;
    const late = START * 1000;
    const a = budgetOn(pools[0]!, () => now);
    expect(await takes(a, 30)).toBe(LIMIT);
    now += DAY_MS;
    expect(await takes(a, 10)).toBe(10);
    // The other server's clock is behind: it must not take the row back to yesterday's count.
    expect(
      await takes(
        budgetOn(pools[1]!, () => late),
        5,
      ),
    ).toBe(0);
    const { rows } = await pools[0]!.query('SELECT day, reserved FROM configflow_fordpass_budget');
    expect(rows).toEqual([{ day: Math.floor(now / DAY_MS), reserved: 10 }]);
    await end();
  });

  it('a restarted server (a new pool) keeps the count of the day', async () => {
    const { url, pools, end } = await instances(1);
    const now = () => START * 1000;
    expect(await takes(budgetOn(pools[0]!, now), 7)).toBe(7);
    await end();
    const pool = new pg.Pool({ connectionString: url });
    const again = budgetOn(pool, now);
    await again.ready();
    expect(again.snapshot().used).toBe(7);
    expect(await takes(again, 30)).toBe(LIMIT - 7);
    await pool.end();
  });

  it('end to end: once one server has spent the account budget, the other is refused without asking Ford', async () => {
    const USER = 'budget@example.com';
    const perDay = 12;
    const url = await db.database();
    const sim = await startSim();
    const clock = new SimDrivenClock(sim);
    await createAccount(sim, USER, [VIN_A, VIN_B]);
    const pools = [new pg.Pool({ connectionString: url }), new pg.Pool({ connectionString: url })];
    try {
      await migrate(pools[0]!);
      const [first, second] = await Promise.all(
        pools.map(async (pool) =>
          createFordPassIntegration({
            api: simUrls(sim),
            storageDir: await tempDir(),
            clock,
            requestsPerDay: perDay,
            shared: pgTokenStorage(pool, new PgLock(pool)),
          }),
        ),
      );
      const manager = new FlowManager({ flows: [first!.flow], clock, idleTimeoutMs: 0 });
      const a = manager.entries.require(await addVehicle(manager, sim, USER, VIN_A));
      const b = manager.entries.require(await addVehicle(manager, sim, USER, VIN_B));
      const ctx = setupContext(clock);
      const ra = await first!.setup(a, ctx);
      const rb = await second!.setup(b, ctx);
      // What Ford counts against the account; the B2C code exchange comes before the account is known,
      // so neither Ford's budget in the simulator nor ours includes it.
      const fordCount = () => {
        const { requests, byRoute } = sim.state.stats().accounts[USER]!;
        return requests - (byRoute.token ?? 0);
      };

      // The first server polls until the budget says no (a limit per server would let it go on).
      for (let polls = 0; ; polls++) {
        expect(polls).toBeLessThan(perDay);
        const result = await first!.poll!(a, { ...ra, primed: false }, ctx).catch((e) => e);
        if (result instanceof RateLimited) break;
        clock.advance(60_000);
      }
      const sent = fordCount();
      expect(sent).toBe(perDay);
      // The second server, which has not polled since its setup, holds without sending anything.
      const refused = await second!.poll!(b, { ...rb, primed: false }, ctx).catch((e) => e);
      expect(refused).toBeInstanceOf(RateLimited);
      expect(refused.retryAfterMs).toBe((Math.floor(clock.now() / DAY_MS) + 1) * DAY_MS - clock.now());
      expect(fordCount()).toBe(sent);
      expect(rb.session.budget.snapshot().used).toBe(perDay);
    } finally {
      for (const p of pools) await p.end();
    }
  });
});
