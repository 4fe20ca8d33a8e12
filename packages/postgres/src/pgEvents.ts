import type { FlowEvent } from '@configflow/core';
import pg from 'pg';
import { CHANNEL, type Notice } from './notice.ts';

/**
 * LISTEN/NOTIFY between instances, on one connection of its own. A lost connection is re-opened;
 * `onResync` then runs, since notices sent meanwhile are gone.
 */
export class PgEvents {
  private client: pg.Client | undefined;
  private closed = false;
  private readonly handlers = new Set<(notice: Notice) => void>();
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
    readonly instance: string,
    private readonly opts: { onResync?: () => void; log?: (line: string) => void } = {},
  ) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      let notice: Notice;
      try {
        notice = JSON.parse(message.payload) as Notice;
      } catch {
        return;
      }
      if (notice.from === this.instance) return;
      for (const h of this.handlers) h(notice);
    });
    client.on('error', (error) => {
      this.opts.log?.(`configflow: the cluster's event connection failed (${error.message}); reconnecting`);
      void client.end().catch(() => {});
      this.reconnect();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  private reconnect(): void {
    if (this.closed || this.retry) return;
    this.client = undefined;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.start().then(
        () => this.opts.onResync?.(),
        () => this.reconnect(),
      );
    }, 1000);
  }

  on(handler: (notice: Notice) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Tells the other instances of a flow event (kept in a row: a result can exceed NOTIFY's 8,000 bytes). */
  async publishFlow(event: FlowEvent): Promise<void> {
    await this.pool.query(
      `WITH e AS (INSERT INTO configflow_events (body) VALUES ($1) RETURNING id)
       SELECT pg_notify($2, json_build_object('kind', 'flow', 'event', e.id, 'from', $3::text)::text) FROM e`,
      [event, CHANNEL, this.instance],
    );
  }

  async readFlowEvent(id: number): Promise<FlowEvent | undefined> {
    const { rows } = await this.pool.query<{ body: FlowEvent }>(
      'SELECT body FROM configflow_events WHERE id = $1',
      [id],
    );
    return rows[0]?.body;
  }

  /** Drops relayed events older than `ms` (every instance read them long ago). */
  async prune(ms: number): Promise<void> {
    await this.pool.query(
      `DELETE FROM configflow_events WHERE created_at < now() - make_interval(secs => $1)`,
      [ms / 1000],
    );
  }

  async stop(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client?.end().catch(() => {});
  }
}
