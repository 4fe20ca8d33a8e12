import { startFordSimulator } from '@configflow/ford-simulator';
import { describe, expect, it } from 'vitest';
import { WorldClock } from '../src/clock.ts';
import { planInjections } from '../src/faults.ts';
import { Random } from '../src/random.ts';
import { formatReport, passed } from '../src/report.ts';
import { shortScenario } from '../src/scenario.ts';
import { runSoak } from '../src/soak.ts';

describe('soak machinery', () => {
  it('a seed gives the same injection schedule; another seed another one', () => {
    const plan = (seed: number) =>
      planInjections(
        shortScenario(seed),
        new Random(seed).fork('faults'),
        ['a', 'b', 'c'],
        0,
        3 * 86_400_000,
      );
    expect(plan(7)).toEqual(plan(7));
    expect(plan(7)).not.toEqual(plan(8));
  });

  it('the simulator clock moves in lock-step with the world clock, and a killed process timer never fires', async () => {
    const sim = await startFordSimulator({ port: 0, startTime: 1_750_032_000 });
    try {
      const world = new WorldClock(sim);
      const a = world.forProcess();
      const b = world.forProcess();
      const fired: string[] = [];
      a.setTimeout(() => fired.push('a'), 1_000);
      b.setTimeout(() => fired.push('b'), 2_000);
      a.kill();
      world.moveTo(world.now() + 5_000);
      world.fireDue();
      expect(fired).toEqual(['b']);
      expect(sim.clock.now() * 1000).toBe(world.now());
    } finally {
      await sim.close();
    }
  });
});

describe('the short soak', () => {
  it('keeps every promised metric at 0', { timeout: 240_000 }, async () => {
    const result = await runSoak(shortScenario(1));
    const report = formatReport(result);
    expect(result.errors, report).toEqual([]);
    expect(result.asserted, report).toEqual({
      false_reauth_prompts: 0,
      missed_reauths: 0,
      duplicate_reauth_flows: 0,
      refresh_tokens_lost_across_crashes: 0,
      requests_over_budget: 0,
      entries_stuck_after_faults: 0,
    });
    expect(passed(result)).toBe(true);
    // It exercised what it claims to: every kind was injected, crashes happened, reauths were completed.
    for (const [kind, n] of Object.entries(result.injected)) expect(n, kind).toBeGreaterThan(0);
    expect(result.crashes.idle + result.crashes.request + result.crashes.response).toBeGreaterThan(0);
    expect(result.info.reauths_after_revocation).toBeGreaterThan(0);
    expect(result.info.entries).toBe(60);
  });
});
