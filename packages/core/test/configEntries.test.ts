import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigEntries,
  type ConfigEntry,
  type EntryEvent,
  JsonFileEntryStore,
  MemoryEntryStore,
} from '../src/index.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const init = { domain: 'acme', title: 'Car', data: { token: 'old' }, source: 'user' as const };

describe('ConfigEntries: concurrent writes of one entry', () => {
  it('two updates of one entry at once (data from a reauth, options from an options flow) both land', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-entries-'));
    dirs.push(dir);
    const path = join(dir, 'entries.json');
    const entries = new ConfigEntries({ store: new JsonFileEntryStore(path) });
    const { entryId } = await entries.add(init);
    const [reauth, options] = await Promise.all([
      entries.update(entryId, { data: { token: 'new' } }),
      entries.update(entryId, { options: { interval: 5 } }),
    ]);
    expect(reauth.changed && options.changed).toBe(true);
    expect(entries.require(entryId)).toMatchObject({ data: { token: 'new' }, options: { interval: 5 } });
    const [onDisk] = await new JsonFileEntryStore(path).loadAll();
    expect(onDisk).toMatchObject({ data: { token: 'new' }, options: { interval: 5 } });
  });

  it('a state change interleaving with an update keeps both', async () => {
    const entries = new ConfigEntries({ store: new MemoryEntryStore() });
    const { entryId } = await entries.add(init);
    await Promise.all([
      entries.setState(entryId, 'loaded'),
      entries.update(entryId, { title: 'Kuga' }),
      entries.setState(entryId, 'setup_error', 'token rejected'),
    ]);
    expect(entries.require(entryId)).toMatchObject({
      title: 'Kuga',
      state: 'setup_error',
      reason: 'token rejected',
    });
  });

  it('a removal wins over updates queued behind a write in flight', async () => {
    const store = new MemoryEntryStore();
    const entries = new ConfigEntries({ store });
    const { entryId } = await entries.add(init);
    const writes = [
      entries.update(entryId, { data: { token: 'new' } }),
      entries.update(entryId, { options: { interval: 5 } }),
    ];
    await entries.remove(entryId);
    const results = await Promise.allSettled(writes);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(results.map((r) => (r as PromiseRejectedResult).reason.code)).toEqual([
      'unknown_entry',
      'unknown_entry',
    ]);
    expect(entries.get(entryId)).toBeUndefined();
    expect(await store.loadAll()).toEqual([]);
  });
});

/** A shared store: `update` applies a change to the row as stored, which another process may have changed. */
class SharedStore extends MemoryEntryStore {
  async update(entryId: string, change: (current: ConfigEntry) => ConfigEntry) {
    const row = this.entries.get(entryId);
    if (!row) return undefined;
    const next = change(structuredClone(row));
    this.entries.set(entryId, next);
    return next;
  }
  /** Another process's write, of which this registry has not heard yet. */
  otherProcess(entryId: string, changes: Partial<ConfigEntry>): void {
    this.entries.set(entryId, { ...this.entries.get(entryId)!, ...changes });
  }
}

describe("ConfigEntries on a store with update (another process's changes)", () => {
  it('applies a change to the stored row, keeps the other change, and tells subscribers of it first', async () => {
    const store = new SharedStore();
    const entries = new ConfigEntries({ store });
    const { entryId } = await entries.add(init);
    const events: EntryEvent[] = [];
    entries.subscribe((e) => events.push(e));
    store.otherProcess(entryId, { options: { interval: 5 } });
    const { changed, entry } = await entries.update(entryId, { data: { token: 'new' } });
    expect(changed).toBe(true);
    expect(entry).toMatchObject({ data: { token: 'new' }, options: { interval: 5 } });
    expect(entries.require(entryId)).toEqual(entry);
    expect(events.map((e) => [e.type, e.remote ?? false])).toEqual([
      ['entry_updated', true],
      ['entry_updated', false],
    ]);
  });

  it('an entry deleted in the store meanwhile fails the update with unknown_entry', async () => {
    const store = new SharedStore();
    const entries = new ConfigEntries({ store });
    const { entryId } = await entries.add(init);
    await store.delete(entryId);
    await expect(entries.update(entryId, { title: 'Kuga' })).rejects.toMatchObject({ code: 'unknown_entry' });
    expect(await store.loadAll()).toEqual([]);
  });
});
