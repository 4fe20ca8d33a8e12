import { ConfigEntries, type FlowRecord } from '@configflow/core';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate, PgEntryStore, PgFlowStore } from '../src/index.ts';
import { until, useCluster } from './support/database.ts';

const db = useCluster();

async function pool() {
  return new pg.Pool({ connectionString: await db.database(), max: 4 });
}

describe('migrations', () => {
  it('instances starting together migrate a database once, and a second run applies nothing', async () => {
    const p = await pool();
    const runs = await Promise.all([migrate(p), migrate(p), migrate(p)]);
    expect(runs.flat().sort()).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(await migrate(p)).toEqual([]);
    const { rows } = await p.query('SELECT version FROM configflow_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    await p.end();
  });

  it('refuses a database migrated by a newer program', async () => {
    const p = await pool();
    await migrate(p);
    await p.query('INSERT INTO configflow_migrations (version) VALUES ($1)', [MIGRATIONS.length + 1]);
    await expect(migrate(p)).rejects.toThrow(/newer than this program/);
    await p.end();
  });
});

describe('PgEntryStore', () => {
  it('keeps entries across registries (a restart, or another instance)', async () => {
    const p = await pool();
    await migrate(p);
    const first = new ConfigEntries({ store: new PgEntryStore(p, 'a') });
    await first.load();
    const entry = await first.add({
      domain: 'acme',
      title: 'Car',
      uniqueId: 'VIN1',
      data: { vin: 'VIN1' },
      source: 'user',
    });
    await first.setState(entry.entryId, 'setup_error', 'bad password');
    const other = await first.add({ domain: 'acme', title: 'Gone', data: {}, source: 'user' });
    await first.remove(other.entryId);

    const second = new ConfigEntries({ store: new PgEntryStore(p, 'b') });
    await second.load();
    expect(second.list()).toEqual([{ ...entry, state: 'setup_error', reason: 'bad password' }]);
    expect(second.findByUniqueId('acme', 'VIN1')?.entryId).toBe(entry.entryId);
    await p.end();
  });

  it('notifies the other instances of every write, with its writer', async () => {
    const url = await db.database();
    const p = new pg.Pool({ connectionString: url });
    await migrate(p);
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    await listener.query('LISTEN configflow');
    const heard: unknown[] = [];
    listener.on('notification', (m) => heard.push(JSON.parse(m.payload!)));
    const store = new PgEntryStore(p, 'inst-a');
    const entries = new ConfigEntries({ store });
    const entry = await entries.add({ domain: 'acme', title: 'Car', data: {}, source: 'user' });
    await entries.remove(entry.entryId);
    await until(() => heard.length >= 2, 'two notices');
    expect(heard).toEqual([
      { kind: 'entry', id: entry.entryId, from: 'inst-a' },
      { kind: 'entry', id: entry.entryId, from: 'inst-a' },
    ]);
    await listener.end();
    await p.end();
  });
});

describe('PgFlowStore', () => {
  it('puts, gets, lists and deletes flow records', async () => {
    const p = await pool();
    await migrate(p);
    const store = new PgFlowStore(p);
    const record: FlowRecord = {
      flowId: 'f1',
      handler: 'acme',
      kind: 'config',
      version: 1,
      source: 'user',
      stepId: 'user',
      snapshot: '{"status":"active"}',
      updatedAt: 1,
      startedAt: 1,
    };
    await store.put(record);
    await store.put({ ...record, stepId: 'next', updatedAt: 2 });
    expect(await store.get('f1')).toEqual({ ...record, stepId: 'next', updatedAt: 2 });
    expect(await store.loadAll()).toHaveLength(1);
    await store.delete('f1');
    expect(await store.get('f1')).toBeUndefined();
    expect(await store.loadAll()).toEqual([]);
    await p.end();
  });
});
