import type { ConfigEntry, EntryStore } from '@configflow/core';
import type pg from 'pg';
import { CHANNEL, type Notice } from './notice.ts';

/** Config entries as rows; every write notifies the other instances (LISTEN/NOTIFY) of the entry's id. */
export class PgEntryStore implements EntryStore {
  constructor(
    private readonly pool: pg.Pool,
    /** This instance's id, so it can ignore its own notices. */
    private readonly instance: string,
  ) {}

  async loadAll(): Promise<ConfigEntry[]> {
    const { rows } = await this.pool.query<{ body: ConfigEntry }>(
      'SELECT body FROM configflow_entries ORDER BY body->>$1',
      ['createdAt'],
    );
    return rows.map((r) => r.body);
  }
  async get(entryId: string): Promise<ConfigEntry | undefined> {
    const { rows } = await this.pool.query<{ body: ConfigEntry }>(
      'SELECT body FROM configflow_entries WHERE entry_id = $1',
      [entryId],
    );
    return rows[0]?.body;
  }
  async put(entry: ConfigEntry): Promise<void> {
    await this.pool.query(
      `WITH w AS (
         INSERT INTO configflow_entries (entry_id, body) VALUES ($1, $2)
         ON CONFLICT (entry_id) DO UPDATE SET body = EXCLUDED.body, updated_at = now()
       ) SELECT pg_notify($3, $4)`,
      [entry.entryId, entry, CHANNEL, notice({ kind: 'entry', id: entry.entryId, from: this.instance })],
    );
  }
  async delete(entryId: string): Promise<void> {
    await this.pool.query(
      `WITH w AS (DELETE FROM configflow_entries WHERE entry_id = $1) SELECT pg_notify($2, $3)`,
      [entryId, CHANNEL, notice({ kind: 'entry', id: entryId, from: this.instance })],
    );
  }
}

function notice(n: Notice): string {
  return JSON.stringify(n);
}
