import { describe, expect, it } from 'vitest';
import {
  autonomic,
  call,
  cat,
  exchange,
  START,
  scriptedLogin,
  signedIn,
  startSim,
  status,
} from './helpers.ts';

describe('request budget', () => {
  it('answers 429 with Retry-After until the simulated day ends, then recovers', async () => {
    const sim = await startSim({ requestBudgetPerDay: 5 });
    // signedIn spends 2 budgeted requests (CAT, Autonomic); sign-in itself is free.
    const { auto } = await signedIn(sim);
    for (let i = 0; i < 3; i++) expect((await status(sim, auto.access_token)).status).toBe(200);

    const limited = await status(sim, auto.access_token);
    expect(limited.status).toBe(429);
    const dayEnd = (Math.floor(START / 86_400) + 1) * 86_400;
    expect(limited.headers.get('retry-after')).toBe(String(dayEnd - START));
    expect(limited.body).toMatchObject({ error: 'TOO_MANY_REQUESTS', retryAfterSeconds: dayEnd - START });

    sim.clock.advance(100);
    const later = await status(sim, auto.access_token);
    expect(later.status).toBe(429);
    expect(Number(later.headers.get('retry-after'))).toBe(dayEnd - START - 100);

    sim.clock.advance(Number(later.headers.get('retry-after')));
    // The old tokens have expired by now; a fresh sign-in works within the new day's budget.
    const { code, verifier } = await scriptedLogin(sim);
    const b2c = (await exchange(sim, code, verifier)).body;
    const pair = (await cat(sim, b2c.access_token)).body;
    const fresh = (await autonomic(sim, pair.access_token)).body;
    expect((await status(sim, fresh.access_token)).status).toBe(200);

    const stats = sim.state.stats();
    expect(stats.rateLimited).toBe(2);
    expect(stats.accounts['driver@example.com']!.rateLimited).toBe(2);
    const day = String(Math.floor(START / 86_400));
    // Stats count every attributed request (the code exchange too); the budget only API calls.
    expect(stats.accounts['driver@example.com']!.byDay[day]).toBe(8);
    expect(sim.state.budget('driver@example.com')).toEqual({ used: 3, limit: 5 });
  });

  it('counts requests with an expired token against the account', async () => {
    const sim = await startSim({ requestBudgetPerDay: 3 });
    const { auto } = await signedIn(sim);
    sim.clock.advance(300);
    expect((await status(sim, auto.access_token)).status).toBe(401);
    expect((await status(sim, auto.access_token)).status).toBe(429);
    const over = await call(sim, '/_sim/accounts/driver@example.com');
    expect(over.body.budget).toEqual({ used: 3, limit: 3 });
  });

  it('shapes the 429 as configured: no Retry-After, a fixed value, a cap, another body', async () => {
    const over = async (rateLimit: Record<string, unknown>) => {
      const sim = await startSim({ requestBudgetPerDay: 2, rateLimit });
      const { auto } = await signedIn(sim);
      return status(sim, auto.access_token);
    };
    const none = await over({ retryAfter: 'none' });
    expect(none.status).toBe(429);
    expect(none.headers.get('retry-after')).toBeNull();
    expect(none.body).toEqual({ error: 'TOO_MANY_REQUESTS', message: expect.any(String) });

    const fixed = await over({ retryAfter: 120 });
    expect(fixed.headers.get('retry-after')).toBe('120');
    expect(fixed.body.retryAfterSeconds).toBe(120);

    const capped = await over({ retryAfterCapSeconds: 3600 });
    expect(capped.headers.get('retry-after')).toBe('3600');

    const bare = await over({ body: 'none', retryAfter: 60 });
    expect(bare.text).toBe('');
    expect(bare.headers.get('retry-after')).toBe('60');

    const custom = await over({ body: { message: 'Too Many Requests', errorCode: '429' } });
    expect(custom.body).toEqual({ message: 'Too Many Requests', errorCode: '429' });

    await expect(startSim({ rateLimit: { retryAfter: -1 } })).rejects.toThrow(RangeError);
  });
});
