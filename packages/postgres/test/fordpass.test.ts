import { FlowManager } from '@configflow/core';
import { createFordPassIntegration } from '@configflow/fordpass';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  addVehicle,
  createAccount,
  refreshes,
  SimDrivenClock,
  setupContext,
  simUrls,
  startSim,
  tempDir,
  VIN_A,
  VIN_B,
} from '../../fordpass/test/helpers.ts';
import { migrate, PgLock, pgTokenStorage } from '../src/index.ts';
import { useCluster } from './support/database.ts';

const db = useCluster();
const USER = 'family@example.com';
const CAT_LIFETIME_MS = 1800 * 1000;

/** Two servers (own pools, own data dirs, nothing shared but the database) on one Ford account. */
async function twoServers() {
  const url = await db.database();
  const sim = await startSim();
  const clock = new SimDrivenClock(sim);
  await createAccount(sim, USER, [VIN_A, VIN_B]);
  const pools = [new pg.Pool({ connectionString: url }), new pg.Pool({ connectionString: url })];
  await migrate(pools[0]!);
  const servers = await Promise.all(
    pools.map(async (pool) =>
      createFordPassIntegration({
        api: simUrls(sim),
        storageDir: await tempDir(),
        clock,
        shared: pgTokenStorage(pool, new PgLock(pool)),
      }),
    ),
  );
  const manager = new FlowManager({ flows: [servers[0]!.flow], clock, idleTimeoutMs: 0 });
  const a = manager.entries.require(await addVehicle(manager, sim, USER, VIN_A));
  const b = manager.entries.require(await addVehicle(manager, sim, USER, VIN_B));
  return { sim, clock, pools, servers, a, b };
}

describe('FordPass tokens in PostgreSQL', () => {
  it('two servers polling one account when its token expires refresh it ONCE (the account lock holds across them)', async () => {
    const { sim, clock, pools, servers, a, b } = await twoServers();
    const ctx = setupContext(clock);
    const [first, second] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const ra = await first.setup(a, ctx);
    const rb = await second.setup(b, ctx);
    const before = await refreshes(sim, USER);
    const stored = await pools[0]!.query('SELECT body FROM configflow_fordpass_tokens');
    expect(stored.rows).toHaveLength(1);

    clock.advance(CAT_LIFETIME_MS);
    const results = await Promise.allSettled([
      first.poll!(a, { ...ra, primed: false }, ctx),
      second.poll!(b, { ...rb, primed: false }, ctx),
      first.poll!(a, { ...ra, primed: false }, ctx),
      second.poll!(b, { ...rb, primed: false }, ctx),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(await refreshes(sim, USER)).toBe(before + 1);
    // The rotated pair is the row both servers read.
    const after = await pools[1]!.query('SELECT body FROM configflow_fordpass_tokens');
    expect(after.rows[0].body.catRefreshToken).not.toBe(stored.rows[0].body.catRefreshToken);
    // "Add a vehicle" on either server offers the account signed in on the first.
    expect((await second.sessions.storedAccounts()).map((s) => s.label)).toEqual([USER]);
    for (const p of pools) await p.end();
  });
});
