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

/** What reloads an entry; the entry runtime plugs in here. */
export type EntryReloader = (entry: ConfigEntry) => Promise<void>;

/** The registry of config entries: the source of truth, persisted through an `EntryStore`. */
export class ConfigEntries {
  private readonly entries = new Map<string, ConfigEntry>();
  /** `domain \0 uniqueId` → entry id: unique-id checks stay O(1) with thousands of entries. */
  private readonly byUniqueId = new Map<string, string>();
  private readonly listeners = new Set<(event: EntryEvent) => void>();
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
  async update(
    entryId: string,
    changes: Partial<
      Pick<ConfigEntry, 'title' | 'data' | 'options' | 'uniqueId' | 'version' | 'minorVersion'>
    >,
  ): Promise<{ changed: boolean; entry: ConfigEntry }> {
    const current = this.require(entryId);
    const next = { ...current, ...changes };
    const changed = (Object.keys(changes) as (keyof ConfigEntry)[]).some(
      (k) => JSON.stringify(current[k]) !== JSON.stringify(next[k]),
    );
    if (!changed) return { changed, entry: current };
    next.modifiedAt = isoTime(this.clock.now());
    await this.store.put(next);
    this.putUnlessRemoved(next);
    this.emit({ type: 'entry_updated', entry: next });
    return { changed, entry: next };
  }

  /** Sets the runtime state; persisted so a listing after a restart shows why an entry is not loaded. */
  async setState(entryId: string, state: EntryState, reason: string | null = null): Promise<ConfigEntry> {
    const current = this.require(entryId);
    if (current.state === state && current.reason === reason) return current;
    const next = { ...current, state, reason };
    await this.store.put(next);
    this.putUnlessRemoved(next);
    this.emit({ type: 'entry_state', entry: next, previous: current.state });
    return next;
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
    if (current && JSON.stringify(current) === JSON.stringify(entry)) return;
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
