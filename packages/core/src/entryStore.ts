import { CoalescingWriter, readJsonFile } from './atomicFile.ts';
import type { ConfigEntry } from './configEntry.ts';

/** Where config entries are kept. Async and per entry, so a shared database can stand behind it. */
export interface EntryStore {
  loadAll(): Promise<ConfigEntry[]>;
  /** A store several servers share rejects a second entry of a domain and unique id (`UniqueIdTaken`). */
  put(entry: ConfigEntry): Promise<void>;
  /**
   * Optional atomic read-modify-write of one stored entry, for a store several processes write: the
   * store calls `change` with the entry as stored and writes what it returns unless that is the same
   * object, again on a fresh read if the row changed meanwhile (so another process's change is kept).
   * Resolves to the entry as stored after: `change`'s result when written, else the row it was given
   * (the same object: nothing was written, or the store declined a write that was not this process's
   * to make); `undefined` when there is no such entry (deleted). `ConfigEntries.update` and
   * `setState` use it when present, `put` otherwise.
   */
  update?(entryId: string, change: (current: ConfigEntry) => ConfigEntry): Promise<ConfigEntry | undefined>;
  delete(entryId: string): Promise<void>;
  flush?(): Promise<void>;
}

export class MemoryEntryStore implements EntryStore {
  protected readonly entries = new Map<string, ConfigEntry>();
  async loadAll(): Promise<ConfigEntry[]> {
    return [...this.entries.values()].map((e) => structuredClone(e));
  }
  async put(entry: ConfigEntry): Promise<void> {
    // Entries are replaced, never mutated, by ConfigEntries: keeping the object is safe.
    this.entries.set(entry.entryId, entry);
  }
  async delete(entryId: string): Promise<void> {
    this.entries.delete(entryId);
  }
}

export const ENTRY_STORE_VERSION = 2;

/** Migrations of the store file's own layout, from version N to N+1. */
const STORE_MIGRATIONS: Record<number, (file: { entries: unknown[] }) => { entries: unknown[] }> = {
  // v1 had no minorVersion and called `reason` `stateReason`.
  1: (file) => ({
    entries: file.entries.map((raw) => {
      const { stateReason, ...rest } = raw as Record<string, unknown>;
      return { minorVersion: 1, ...rest, reason: (rest.reason as string | undefined) ?? stateReason ?? null };
    }),
  }),
};

/** Entries in one JSON file, written atomically after every change, with a store version and migration. */
export class JsonFileEntryStore extends MemoryEntryStore {
  private readonly writer: CoalescingWriter;

  constructor(readonly path: string) {
    super();
    this.writer = new CoalescingWriter(path, () =>
      JSON.stringify({ version: ENTRY_STORE_VERSION, entries: [...this.entries.values()] }, null, 1),
    );
  }

  override async loadAll(): Promise<ConfigEntry[]> {
    const file = (await readJsonFile(this.path)) as { version?: number; entries?: unknown[] } | undefined;
    if (file) {
      let version = file.version ?? 1;
      let body = { entries: file.entries ?? [] };
      if (version > ENTRY_STORE_VERSION)
        throw new Error(`${this.path}: store version ${version} is newer than this program`);
      while (version < ENTRY_STORE_VERSION) {
        const migrate = STORE_MIGRATIONS[version];
        if (!migrate) throw new Error(`${this.path}: no migration from store version ${version}`);
        body = migrate(body);
        version++;
      }
      this.entries.clear();
      for (const e of body.entries as ConfigEntry[]) this.entries.set(e.entryId, e);
    }
    return super.loadAll();
  }
  // A failed write takes its change back out of the file's content, so the next successful write (of
  // another change) cannot carry it to disk: what failed stays failed, and memory equals disk.
  override async put(entry: ConfigEntry): Promise<void> {
    const previous = this.entries.get(entry.entryId);
    await super.put(entry);
    try {
      await this.writer.request();
    } catch (error) {
      if (this.entries.get(entry.entryId) === entry) {
        if (previous) this.entries.set(entry.entryId, previous);
        else this.entries.delete(entry.entryId);
      }
      throw error;
    }
  }
  override async delete(entryId: string): Promise<void> {
    const previous = this.entries.get(entryId);
    await super.delete(entryId);
    try {
      await this.writer.request();
    } catch (error) {
      if (previous && !this.entries.has(entryId)) this.entries.set(entryId, previous);
      throw error;
    }
  }
  async flush(): Promise<void> {
    await this.writer.flush();
  }
}
