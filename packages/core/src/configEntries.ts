import { type Clock, isoTime, systemClock } from './clock.ts';
import type { ConfigEntry, EntryState } from './configEntry.ts';
import { type EntryStore, MemoryEntryStore } from './entryStore.ts';
import { FlowError } from './errors.ts';
import { randomId } from './ids.ts';
import type { JsonObject, Source } from './types.ts';

/** `remote`: another instance sharing the store made the change (see `applyRemote`). */
export type EntryEvent = (
  | { type: 'entry_added'; entry: ConfigEntry }
  | { type: 'entry_updated'; entry: ConfigEntry }
  | { type: 'entry_removed'; entry: ConfigEntry }
  | { type: 'entry_state'; entry: ConfigEntry; previous: EntryState }
) & { remote?: boolean };

export class UnknownEntry extends FlowError {
  constructor(readonly entryId: string) {
    super('unknown_entry', `No config entry ${entryId}`);
  }
}

/**
 * A store shared by several servers already holds an entry of this domain with this unique id,
 * written by another server after this one looked (two flows for one device finishing at once on
 * two servers). The flow that meets it aborts `already_configured`, as it would have on one server.
 */
export class UniqueIdTaken extends FlowError {
  constructor(
    readonly domain: string,
    readonly uniqueId: string,
  ) {
    super('already_configured', `A config entry of ${domain} with unique id ${uniqueId} exists`);
  }
}

/** What reloads an entry; the entry runtime plugs in here. */
export type EntryReloader = (entry: ConfigEntry) => Promise<void>;

/** The registry of config entries: the source of truth, persisted through an `EntryStore`. */
export class ConfigEntries {
  private readonly entries = new Map<string, ConfigEntry>();
  /** `domain \0 uniqueId` → entry id: unique-id checks stay O(1) with thousands of entries. */
  private readonly byUniqueId = new Map<string, string>();
  private readonly listeners = new Set<(event: EntryEvent) => void>();
  /** Per entry, the end of the writes queued on it (see `serially`). */
  private readonly writing = new Map<string, Promise<void>>();
  private readonly clock: Clock;
  private readonly store: EntryStore;
  reloader: EntryReloader | undefined;

  constructor(opts: { store?: EntryStore; clock?: Clock } = {}) {
    this.store = opts.store ?? new MemoryEntryStore();
    this.clock = opts.clock ?? systemClock;
  }

  async load(): Promise<void> {
    for (const entry of await this.store.loadAll()) this.put(entry);
  }

  list(filter: { domain?: string } = {}): ConfigEntry[] {
    return [...this.entries.values()].filter((e) => !filter.domain || e.domain === filter.domain);
  }
  get(entryId: string): ConfigEntry | undefined {
    return this.entries.get(entryId);
  }
  require(entryId: string): ConfigEntry {
    const entry = this.entries.get(entryId);
    if (!entry) throw new UnknownEntry(entryId);
    return entry;
  }
  findByUniqueId(domain: string, uniqueId: string): ConfigEntry | undefined {
    const entryId = this.byUniqueId.get(`${domain}\0${uniqueId}`);
    return entryId === undefined ? undefined : this.entries.get(entryId);
  }

  /** Keeps the entry and its unique-id index in step. */
  private put(entry: ConfigEntry): void {
    const previous = this.entries.get(entry.entryId);
    if (previous?.uniqueId != null) this.byUniqueId.delete(`${previous.domain}\0${previous.uniqueId}`);
    this.entries.set(entry.entryId, entry);
    if (entry.uniqueId != null) this.byUniqueId.set(`${entry.domain}\0${entry.uniqueId}`, entry.entryId);
  }

  async add(init: {
    domain: string;
    title: string;
    uniqueId?: string | null;
    data: JsonObject;
    options?: JsonObject;
    source: Source;
    version?: number;
    minorVersion?: number;
  }): Promise<ConfigEntry> {
    const now = isoTime(this.clock.now());
    const entry: ConfigEntry = {
      entryId: randomId(),
      domain: init.domain,
      title: init.title,
      uniqueId: init.uniqueId ?? null,
      data: init.data,
      options: init.options ?? {},
      version: init.version ?? 1,
      minorVersion: init.minorVersion ?? 1,
      source: init.source,
      state: 'not_loaded',
      reason: null,
      createdAt: now,
      modifiedAt: now,
    };
    await this.store.put(entry);
    this.put(entry);
    this.emit({ type: 'entry_added', entry });
    return entry;
  }

  /** Replaces the given fields; `changed` says whether anything differed (Home Assistant's contract). */
  update(
    entryId: string,
    changes: Partial<
      Pick<ConfigEntry, 'title' | 'data' | 'options' | 'uniqueId' | 'version' | 'minorVersion'>
    >,
  ): Promise<{ changed: boolean; entry: ConfigEntry }> {
    const change = (current: ConfigEntry): ConfigEntry => {
      const next = { ...current, ...changes };
      const changed = (Object.keys(changes) as (keyof ConfigEntry)[]).some(
        (k) => JSON.stringify(current[k]) !== JSON.stringify(next[k]),
      );
      if (!changed) return current;
      next.modifiedAt = isoTime(this.clock.now());
      return next;
    };
    return this.serially(entryId, async () => {
      let current = this.require(entryId);
      let entry: ConfigEntry;
      if (this.store.update) ({ entry, base: current } = await this.writeShared(entryId, current, change));
      else {
        entry = change(current);
        if (entry === current) return { changed: false, entry };
        await this.store.put(entry);
        this.putUnlessRemoved(entry);
      }
      const changed = entry !== current;
      if (changed) this.emit({ type: 'entry_updated', entry });
      return { changed, entry };
    });
  }

  /** Sets the runtime state; persisted so a listing after a restart shows why an entry is not loaded. */
  setState(entryId: string, state: EntryState, reason: string | null = null): Promise<ConfigEntry> {
    const change = (e: ConfigEntry): ConfigEntry =>
      e.state === state && e.reason === reason ? e : { ...e, state, reason };
    return this.serially(entryId, async () => {
      let current = this.require(entryId);
      if (current.state === state && current.reason === reason) return current;
      let next: ConfigEntry;
      if (this.store.update)
        ({ entry: next, base: current } = await this.writeShared(entryId, current, change));
      else {
        next = change(current);
        await this.store.put(next);
        this.putUnlessRemoved(next);
      }
      if (next !== current) this.emit({ type: 'entry_state', entry: next, previous: current.state });
      return next;
    });
  }

  /**
   * One write of an entry at a time in this registry: each reads the entry as the one before it left
   * it, so two updates of one entry that interleave (data from a reauth, options from an options flow)
   * both land. With nothing queued the write starts at once. A removal does not queue: it wins over
   * the writes still queued (they fail `UnknownEntry`).
   */
  private serially<T>(entryId: string, write: () => Promise<T>): Promise<T> {
    const before = this.writing.get(entryId);
    const run = before ? before.then(write) : write();
    const done = run.then(
      () => {},
      () => {},
    );
    this.writing.set(entryId, done);
    void done.then(() => {
      if (this.writing.get(entryId) === done) this.writing.delete(entryId);
    });
    return run;
  }

  /**
   * A write through the store's atomic `update`: `change` applies to the row as stored, so another
   * instance's change to it is kept (and told to this registry's subscribers first, as theirs).
   * `entry` is `base` itself when nothing was written.
   */
  private async writeShared(
    entryId: string,
    current: ConfigEntry,
    change: (entry: ConfigEntry) => ConfigEntry,
  ): Promise<{ entry: ConfigEntry; base: ConfigEntry }> {
    let base = current;
    const stored = await this.store.update!(entryId, (row) => {
      base = row;
      return change(row);
    });
    // Deleted in the store (by another instance: its notice follows) or here meanwhile: deletes win.
    if (!stored || !this.entries.has(entryId)) throw new UnknownEntry(entryId);
    if (!sameJson(base, current)) this.applyRemote(entryId, base);
    if (stored !== base) this.put(stored);
    return { entry: stored, base };
  }

  /**
   * Removes an entry for good. It leaves memory before the store is awaited, so an update or state
   * change racing the delete fails with `UnknownEntry` instead of writing the entry back; if the store
   * fails, the entry is put back and the error thrown (memory stays equal to disk).
   */
  async remove(entryId: string): Promise<ConfigEntry> {
    const entry = this.require(entryId);
    this.entries.delete(entryId);
    if (entry.uniqueId != null) this.byUniqueId.delete(`${entry.domain}\0${entry.uniqueId}`);
    try {
      await this.store.delete(entryId);
    } catch (error) {
      if (!this.entries.has(entryId)) this.put(entry);
      throw error;
    }
    this.emit({ type: 'entry_removed', entry });
    return entry;
  }

  /** After a store write: an entry removed meanwhile stays removed, and the writer learns it. */
  private putUnlessRemoved(entry: ConfigEntry): void {
    if (!this.entries.has(entry.entryId)) throw new UnknownEntry(entry.entryId);
    this.put(entry);
  }

  /**
   * Another instance changed an entry in the shared store: this registry takes the row as it is now
   * (`undefined`: deleted) and tells its subscribers, with `remote: true`.
   */
  applyRemote(entryId: string, entry: ConfigEntry | undefined): void {
    const current = this.entries.get(entryId);
    if (!entry) {
      if (!current) return;
      this.entries.delete(entryId);
      if (current.uniqueId != null) this.byUniqueId.delete(`${current.domain}\0${current.uniqueId}`);
      this.emit({ type: 'entry_removed', entry: current, remote: true });
      return;
    }
    if (current && sameJson(current, entry)) return;
    this.put(entry);
    if (!current) this.emit({ type: 'entry_added', entry, remote: true });
    else if (current.state !== entry.state || current.reason !== entry.reason)
      this.emit({ type: 'entry_state', entry, previous: current.state, remote: true });
    else this.emit({ type: 'entry_updated', entry, remote: true });
  }

  async reload(entryId: string): Promise<void> {
    const entry = this.require(entryId);
    if (entry.source === 'ignore') return;
    await this.reloader?.(entry);
  }

  async flush(): Promise<void> {
    await this.store.flush?.();
  }

  subscribe(listener: (event: EntryEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: EntryEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A broken listener must not break the registry.
      }
    }
  }
}

/** Equal as JSON, whatever the key order (a jsonb column gives keys back in its own order). */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a, sortedKeys) === JSON.stringify(b, sortedKeys);
}
function sortedKeys(_key: string, value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}
