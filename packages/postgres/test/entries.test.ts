import { UniqueIdTaken } from '@configflow/core';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaseLost, leaseTiming } from '../src/index.ts';
import { until, useCluster } from './support/database.ts';
import { type Calls, type Instance, instance } from './support/instance.ts';

const db = useCluster();
const LEASE_MS = 3_000;
/** A lease lives half the period (see leaseTiming): it lapses this long after its last renewal. */
const { ttlMs: TTL } = leaseTiming(LEASE_MS);
let running: Instance[] = [];

afterEach(async () => {
  for (const i of running) await i.stop().catch(() => {});
  running = [];
});

/** Two instances; each has its own set of accounts whose polls fail, so a test can fail one side only. */
async function two() {
  const url = await db.database();
  let now = 1_000_000;
  const calls: Calls = { setup: [], poll: [] };
  const failing = { a: new Set<string>(), b: new Set<string>() };
  const common = { now: () => now, leaseMs: LEASE_MS, calls };
  const a = await instance(url, 'a', { ...common, failing: failing.a });
  const b = await instance(url, 'b', { ...common, failing: failing.b });
  running.push(a, b);
  return { a, b, calls, failing, advance: (ms: number) => (now += ms) };
}

async function addEntry(on: Instance, others: Instance[], account: string, vin: string) {
  const { flowId } = await on.manager.init('acme');
  await on.manager.configure(flowId, { account });
  const result = await on.manager.configure(flowId, { vin });
  const entryId = result.entry!.entryId;
  await until(() => on.entries.get(entryId)?.state === 'loaded', 'the new entry to be loaded');
  await on.runtime.idle();
  for (const o of others)
    await until(() => o.entries.get(entryId)?.state === 'loaded', `${o.name} to see it`);
  return entryId;
}

async function row(on: Instance, entryId: string) {
  const { rows } = await on.cluster.pool.query(
    'SELECT body, version FROM configflow_entries WHERE entry_id = $1',
    [entryId],
  );
  return rows[0] as { body: Record<string, unknown>; version: string } | undefined;
}

/** Runs `meanwhile` just before this pool's next write of an entry row reaches the database. */
function beforeNextEntryWrite(pool: pg.Pool, meanwhile: () => Promise<unknown>): void {
  const target = pool as unknown as { query: (...args: unknown[]) => Promise<unknown> };
  const query = target.query.bind(pool);
  target.query = async (...args: unknown[]) => {
    if (typeof args[0] === 'string' && /(UPDATE|INSERT INTO) configflow_entries/.test(args[0])) {
      target.query = query;
      await meanwhile();
    }
    return query(...args);
  };
}

describe('entry writes across instances', () => {
  it('two instances updating one entry at the same instant (data vs options) keep both changes', async () => {
    const { a, b } = await two();
    const id = await addEntry(a, [b], 'acct-1', 'V1');
    const data = { ...a.entries.require(id).data, password: 'new' };
    await Promise.all([a.entries.update(id, { data }), b.entries.update(id, { options: { interval: 5 } })]);
    expect((await row(a, id))?.body).toMatchObject({ data, options: { interval: 5 } });
    for (const i of [a, b])
      await until(
        () => i.entries.get(id)?.options.interval === 5 && i.entries.get(id)?.data.password === 'new',
        `${i.name} to hold both changes`,
      );
  });

  it('a change that meets a row changed since it was read is applied again to the new row', async () => {
    const { a, b } = await two();
    const id = await addEntry(a, [b], 'acct-1', 'V1');
    const data = { ...a.entries.require(id).data, password: 'new' };
    // B has read the row; A's reauth writes its data before B's write reaches the database.
    beforeNextEntryWrite(b.cluster.pool, () => a.entries.update(id, { data }));
    const { entry } = await b.entries.update(id, { options: { interval: 5 } });
    expect(entry).toMatchObject({ data, options: { interval: 5 } });
    expect((await row(a, id))?.body).toMatchObject({ data, options: { interval: 5 } });
    await until(() => a.entries.get(id)?.options.interval === 5, 'A to hear of the options');
    expect(a.entries.require(id).data).toEqual(data);
  });

  it('an instance whose lease was taken over cannot overwrite the new owner, and stops running the entry', async () => {
    const { a, b, calls, failing, advance } = await two();
    const id = await addEntry(a, [b], 'acct-1', 'V1');
    expect(a.cluster.owned()).toEqual([id]);
    // A is paused past its lease (it does not renew); B takes the entry over, with a higher fence.
    advance(TTL);
    await b.cluster.tick();
    expect(b.cluster.owned()).toEqual([id]);
    expect((await b.cluster.leases.holder(`entry:${id}`))?.fence).toBe(2);
    await until(() => a.entries.get(id)?.state === 'loaded', 'A to hear B load it');
    const before = await row(b, id);
    // A wakes up still polling the entry; its poll fails and it tries to write setup_error.
    failing.a.add('acct-1');
    await expect(a.runtime.refresh(id)).rejects.toBeInstanceOf(LeaseLost);
    await a.runtime.idle();
    expect(a.cluster.owned()).toEqual([]);
    // The new owner's row is untouched: no state from A, not even its unload's.
    expect(await row(b, id)).toEqual(before);
    expect(before?.body).toMatchObject({ state: 'loaded', reason: null });
    // No reauth flow from the stale instance, and it polls no more.
    const { rows } = await a.cluster.pool.query(
      `SELECT 1 FROM configflow_flows WHERE body->>'source' = 'reauth'`,
    );
    expect(rows).toHaveLength(0);
    const pollsByA = calls.poll.filter((c) => c.instance === 'a').length;
    await a.clock.advance(10 * 60_000);
    await a.runtime.idle();
    expect(calls.poll.filter((c) => c.instance === 'a')).toHaveLength(pollsByA);
    // B still writes it.
    await b.entries.setState(id, 'setup_error', 'checked');
    expect((await row(b, id))?.body).toMatchObject({ state: 'setup_error', reason: 'checked' });
  });

  it('a delete racing an update on another instance: the entry stays deleted', async () => {
    const { a, b } = await two();
    const id = await addEntry(a, [b], 'acct-1', 'V1');
    // B's update has read the row when A's delete lands.
    beforeNextEntryWrite(b.cluster.pool, () => a.entries.remove(id));
    await expect(b.entries.update(id, { title: 'Kuga' })).rejects.toMatchObject({ code: 'unknown_entry' });
    expect(await row(a, id)).toBeUndefined();
    await until(() => b.entries.get(id) === undefined, 'B to drop the entry');
    expect(a.entries.get(id)).toBeUndefined();
  });

  it('two flows for one device finishing on A and B at the same instant make one entry; the other aborts', async () => {
    const { a, b } = await two();
    for (let round = 1; round <= 10; round++) {
      const vin = `SAME-${round}`;
      const flows = [];
      for (const on of [a, b]) {
        const { flowId } = await on.manager.init('acme');
        await on.manager.configure(flowId, { account: 'acct-1' });
        flows.push({ on, flowId });
      }
      const results = await Promise.all(flows.map(({ on, flowId }) => on.manager.configure(flowId, { vin })));
      expect(results.map((r) => r.type).sort()).toEqual(['abort', 'create_entry']);
      // Their claims of the device's unique id meet (one transaction after the other): in progress;
      // or the first flow had ended before the second claimed it: configured. Never a second entry.
      expect(['already_in_progress', 'already_configured']).toContain(
        results.find((r) => r.type === 'abort')?.reason,
      );
      const { rows } = await a.cluster.pool.query(
        `SELECT count(*)::int AS n FROM configflow_entries WHERE body->>'uniqueId' = $1`,
        [vin],
      );
      expect(rows[0].n).toBe(1);
    }
  });

  it('two entries with one unique id written on A and B at the same instant: one lands, the other is UniqueIdTaken', async () => {
    // What a flow meets when it made it past the claims (a flow that set its id without raising).
    const { a, b } = await two();
    for (let round = 1; round <= 10; round++) {
      const uniqueId = `SAME-${round}`;
      const add = (on: Instance) =>
        on.entries.add({ domain: 'acme', title: uniqueId, uniqueId, data: {}, source: 'user' });
      const results = await Promise.allSettled([add(a), add(b)]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(UniqueIdTaken);
      const { rows } = await a.cluster.pool.query(
        `SELECT count(*)::int AS n FROM configflow_entries WHERE body->>'uniqueId' = $1`,
        [uniqueId],
      );
      expect(rows[0].n).toBe(1);
    }
  });
});

describe('the reauth loop guard across instances', () => {
  it('reauths succeeding on A, then on B after a takeover, count together and stop prompting at maxReauths', async () => {
    const { a, b, failing, advance } = await two();
    const id = await addEntry(a, [b], 'acct-1', 'V1');
    /** The owner's poll is rejected; the user signs in again on `on`; the entry loads again. */
    const reauth = async (owner: Instance, cycle: number) => {
      failing[owner.name as 'a' | 'b'].add('acct-1');
      await owner.runtime.refresh(id);
      const [flow] = owner.manager.list({ source: 'reauth' });
      expect(flow, `a reauth flow in cycle ${cycle}`).toBeDefined();
      failing[owner.name as 'a' | 'b'].delete('acct-1');
      await owner.manager.configure(flow!.flowId, { password: `pw-${cycle}` });
      await owner.runtime.idle();
      await until(() => owner.entries.get(id)?.state === 'loaded', `the entry to load again (${cycle})`);
    };
    await reauth(a, 1);
    // A dies; B takes the entry over once the lease lapses.
    await a.kill();
    running = running.filter((i) => i !== a);
    advance(TTL);
    await b.cluster.tick();
    expect(b.cluster.owned()).toEqual([id]);
    await until(() => b.entries.get(id)?.state === 'loaded', 'B to load the entry');
    await reauth(b, 2);
    await reauth(b, 3);
    // The third success (the first on A) reached maxReauths: the next auth failure stops prompting.
    failing.b.add('acct-1');
    await b.runtime.refresh(id);
    await b.runtime.idle();
    expect(b.manager.list({ source: 'reauth' })).toEqual([]);
    expect(b.entries.require(id)).toMatchObject({ state: 'setup_error' });
    expect(b.entries.require(id).reason).toMatch(/^reauth_loop: .*3 times in 60 minutes/);
    const { rows } = await b.cluster.pool.query('SELECT count(*)::int AS n FROM configflow_reauths');
    expect(rows[0].n).toBe(3);
  });
});
