import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrate, PgLeases, PgLock } from '../src/index.ts';
import { until, useCluster } from './support/database.ts';

const db = useCluster();

describe('PgLock', () => {
  it('excludes holders of one key across processes (two pools), never two keys', async () => {
    const url = await db.database();
    const pools = [new pg.Pool({ connectionString: url }), new pg.Pool({ connectionString: url })];
    const locks = pools.map((p) => new PgLock(p));
    let inside = 0;
    let most = 0;
    const order: string[] = [];
    const work = (name: string) => async () => {
      inside++;
      most = Math.max(most, inside);
      order.push(`${name}+`);
      // Several round trips while holding it: another holder would get in here.
      for (let i = 0; i < 3; i++) await pools[0]!.query('SELECT 1');
      order.push(`${name}-`);
      inside--;
    };
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => locks[i % 2]!.withLock('reauth:acme:account:1', work(`w${i}`))),
    );
    expect(most).toBe(1);
    expect(order).toHaveLength(16);
    // Another key is not held up by this one.
    let releaseFirst!: () => void;
    const first = locks[0]!.withLock('a', () => new Promise<void>((r) => (releaseFirst = r)));
    await until(() => releaseFirst !== undefined, 'the first lock');
    await locks[1]!.withLock('b', async () => {});
    releaseFirst();
    await first;
    for (const p of pools) await p.end();
  });

  it('a holder whose connection dies (a killed process) lets the next one in', async () => {
    const url = await db.database();
    const victim = new pg.Pool({ connectionString: url, application_name: 'victim' });
    const survivor = new pg.Pool({ connectionString: url });
    victim.on('error', () => {});
    const held = new PgLock(victim).withLock('refresh:acct', () => new Promise<void>(() => {}));
    held.catch(() => {});
    const admin = new pg.Pool({ connectionString: url });
    await until(
      async () =>
        (await admin.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted")).rows.length > 0,
      'the victim to hold the lock',
    );
    let got = false;
    const next = new PgLock(survivor).withLock('refresh:acct', async () => {
      got = true;
    });
    // The server ends the victim's connection, as the kernel does for a SIGKILLed process.
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'victim'",
    );
    await next;
    expect(got).toBe(true);
    await Promise.all([survivor.end(), admin.end()]);
    // The victim's pool still counts the dead holder as checked out: it is abandoned, like its process.
  });
});

describe('PgLeases', () => {
  it('one owner at a time; a lapsed lease is taken over with a higher fence; the old owner is fenced off', async () => {
    const p = new pg.Pool({ connectionString: await db.database() });
    await migrate(p);
    let now = 1_000_000;
    const a = new PgLeases(p, 'a', { ttlMs: 3_000, now: () => now });
    const b = new PgLeases(p, 'b', { ttlMs: 3_000, now: () => now });
    const first = await a.acquire('entry:1');
    expect(first).toMatchObject({ owner: 'a', fence: 1, expiresAt: now + 3_000 });
    expect(await b.acquire('entry:1')).toBeUndefined();
    now += 2_000;
    // A renewal keeps the fence and moves the expiry.
    expect(await a.acquire('entry:1')).toMatchObject({ fence: 1, expiresAt: now + 3_000 });
    now += 2_999;
    expect(await b.acquire('entry:1')).toBeUndefined();
    now += 1;
    const taken = await b.acquire('entry:1');
    expect(taken).toMatchObject({ owner: 'b', fence: 2 });
    expect(await a.holds('entry:1', 1)).toBe(false);
    expect(await b.holds('entry:1', 2)).toBe(true);
    expect(await a.acquire('entry:1')).toBeUndefined();
    // Released: free at once, whatever the time.
    await b.release('entry:1');
    expect(await a.acquire('entry:1')).toMatchObject({ owner: 'a', fence: 3 });
    await p.end();
  });

  it('with no clock given, lease time is the database clock', async () => {
    const p = new pg.Pool({ connectionString: await db.database() });
    await migrate(p);
    const lease = await new PgLeases(p, 'a', { ttlMs: 60_000 }).acquire('k');
    const { rows } = await p.query('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now');
    const dbNow = Number(rows[0].now);
    expect(lease!.expiresAt).toBeGreaterThan(dbNow);
    expect(lease!.expiresAt).toBeLessThanOrEqual(dbNow + 60_000);
    await p.end();
  });
});
