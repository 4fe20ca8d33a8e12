import type { FlowEvent } from '@configflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { leaseTiming } from '../src/index.ts';
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

async function two(opts: { failing?: Set<string> } = {}) {
  const url = await db.database();
  let now = 1_000_000;
  const calls: Calls = { setup: [], poll: [] };
  const common = { now: () => now, leaseMs: LEASE_MS, calls, ...opts };
  const a = await instance(url, 'a', common);
  const b = await instance(url, 'b', common);
  running.push(a, b);
  return { a, b, calls, advance: (ms: number) => (now += ms) };
}

async function addEntry(on: Instance, account: string, vin: string) {
  const { flowId } = await on.manager.init('acme');
  await on.manager.configure(flowId, { account });
  const result = await on.manager.configure(flowId, { vin });
  const entryId = result.entry!.entryId;
  // The new entry's setup runs in the background (the manager's reload): wait until it is loaded.
  await until(() => on.entries.get(entryId)?.state === 'loaded', 'the new entry to be loaded');
  await on.runtime.idle();
  return entryId;
}

describe('two instances on one database', () => {
  it('a flow started on A is continued on B, and a subscriber on B sees A progress it', async () => {
    const { a, b } = await two();
    const seenOnB: FlowEvent[] = [];
    b.manager.subscribe((e) => seenOnB.push(e));
    const started = await a.manager.init('acme');
    const step = await a.manager.configure(started.flowId, { account: 'acct-1' });
    expect(step.stepId).toBe('vehicle');
    await until(() => seenOnB.some((e) => e.type === 'progressed'), 'B to hear A progress the flow');
    expect(seenOnB.find((e) => e.type === 'progressed')).toMatchObject({
      flowId: started.flowId,
      remote: true,
      result: { stepId: 'vehicle', type: 'form' },
    });
    // B continues it where A left it (the reverse proxy sent the user's next request there).
    const done = await b.manager.configure(started.flowId, { vin: 'VIN1' });
    expect(done.type).toBe('create_entry');
    await until(() => a.entries.list().length === 1, 'A to see the entry B created');
    expect(a.entries.list()[0]).toMatchObject({ uniqueId: 'VIN1', data: { account: 'acct-1', vin: 'VIN1' } });
    // A forgets the flow B ended.
    await until(() => a.manager.list().length === 0, 'A to drop the ended flow');
    await expect(a.manager.configure(started.flowId)).rejects.toThrow(/flow/i);
  });

  it('each entry is set up and polled by exactly one instance', async () => {
    const { a, b, calls } = await two();
    const ids = [
      await addEntry(a, 'acct-1', 'V1'),
      await addEntry(b, 'acct-2', 'V2'),
      await addEntry(a, 'acct-3', 'V3'),
    ];
    await until(
      () => b.entries.list().length === 3 && a.entries.list().length === 3,
      'both to see 3 entries',
    );
    // Each instance ticks (renews, and tries to take what is unowned): nobody takes a live lease.
    await a.cluster.tick();
    await b.cluster.tick();
    for (const id of ids) {
      const setups = calls.setup.filter((c) => c.entryId === id);
      expect(setups).toHaveLength(1);
      expect(new Set(calls.poll.filter((c) => c.entryId === id).map((c) => c.instance)).size).toBe(1);
    }
    expect([...a.cluster.owned(), ...b.cluster.owned()].sort()).toEqual([...ids].sort());
  });

  it('an instance starting with more entries than its pool has connections sets them all up', async () => {
    // Each entry's setup holds its lock's connection while it claims the lease: on the pool of 10,
    // 12 entries set up at once took every connection and waited for one forever.
    const url = await db.database();
    const common = { now: () => 1_000_000, leaseMs: LEASE_MS, calls: { setup: [], poll: [] } as Calls };
    const a = await instance(url, 'a', common);
    running.push(a);
    for (let i = 0; i < 12; i++) await addEntry(a, `acct-${i}`, `V${i}`);
    await a.stop();
    running = running.filter((i) => i !== a);
    const c = await instance(url, 'c', common);
    running.push(c);
    await until(() => c.entries.list().every((e) => e.state === 'loaded'), 'every entry loaded on C');
    expect(c.entries.list()).toHaveLength(12);
  }, 30_000);

  it("a killed instance's entries are polled again by a survivor within one lease period", async () => {
    const { a, b, calls, advance } = await two();
    const id = await addEntry(a, 'acct-1', 'V1');
    expect(a.cluster.owned()).toEqual([id]);
    await until(() => b.entries.get(id) !== undefined, 'B to see the entry');
    await a.kill();
    running = running.filter((i) => i !== a);
    const pollsBefore = calls.poll.length;
    // Just before the lease lapses B may not take it; once it has, B's next tick does.
    advance(TTL - 1);
    await b.cluster.tick();
    expect(b.cluster.owned()).toEqual([]);
    advance(1);
    await b.cluster.tick();
    expect(b.cluster.owned()).toEqual([id]);
    expect(calls.poll.slice(pollsBefore)).toEqual([{ instance: 'b', entryId: id }]);
    expect((await b.cluster.leases.holder(`entry:${id}`))?.fence).toBe(2);
  });

  it('relayed flow events are pruned once nobody can still need them', async () => {
    const { a, b } = await two();
    const seen: FlowEvent[] = [];
    b.manager.subscribe((e) => seen.push(e));
    await a.manager.init('acme');
    await until(() => seen.length > 0, 'B to hear the flow start');
    const count = async () =>
      Number((await a.cluster.pool.query('SELECT count(*) AS n FROM configflow_events')).rows[0].n);
    expect(await count()).toBe(1);
    await a.cluster.tick();
    expect(await count()).toBe(1);
    await a.cluster.pool.query(`UPDATE configflow_events SET created_at = now() - interval '11 minutes'`);
    await a.cluster.tick();
    expect(await count()).toBe(0);
  });

  it('a clean stop hands its entries over at once', async () => {
    const { a, b, calls } = await two();
    const id = await addEntry(a, 'acct-1', 'V1');
    await until(() => b.entries.get(id) !== undefined, 'B to see the entry');
    await a.stop();
    running = running.filter((i) => i !== a);
    await b.cluster.tick();
    expect(b.cluster.owned()).toEqual([id]);
    expect(calls.poll.at(-1)).toEqual({ instance: 'b', entryId: id });
  });

  it('two entries of one account failing on two instances at once open one reauth flow', async () => {
    const failing = new Set<string>();
    const { a, b } = await two({ failing });
    const e1 = await addEntry(a, 'acct-1', 'V1');
    const e2 = await addEntry(b, 'acct-1', 'V2');
    await until(() => a.entries.list().length === 2 && b.entries.list().length === 2, 'both to see both');
    expect(a.cluster.owned()).toEqual([e1]);
    expect(b.cluster.owned()).toEqual([e2]);
    failing.add('acct-1');
    await Promise.all([a.runtime.refresh(e1), b.runtime.refresh(e2)]);
    await Promise.all([a.runtime.idle(), b.runtime.idle()]);
    const { rows } = await a.cluster.pool.query(
      `SELECT body FROM configflow_flows WHERE body->>'source' = 'reauth'`,
    );
    expect(rows).toHaveLength(1);
    // Both entries wait for that one flow.
    expect(a.entries.get(e1)?.state).toBe('setup_error');
    await until(() => a.entries.get(e2)?.state === 'setup_error', "A to see B's entry fail");
  });
});
