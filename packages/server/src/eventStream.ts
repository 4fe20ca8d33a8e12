import type { EntryEvent, FlowEvent } from '@configflow/core';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { withTexts } from './flowTexts.ts';
import { publicEntry } from './publicEntry.ts';
import { publicResult } from './publicResult.ts';
import type { ServerApp } from './serverApp.ts';

/** Comments keep idle connections open through proxies that drop silent ones. */
const KEEPALIVE_MS = 20_000;
/** A client this far behind is cut off rather than buffered without bound; it reconnects and re-reads. */
const MAX_QUEUED = 1_000;

interface Message {
  event: string;
  data: string;
}

/**
 * Server-sent events: flow progress (`created`, `progressed`, `progress`, `ended`) and entry changes
 * (`entry_added`, `entry_updated`, `entry_removed`, `entry_state`). Entries go out in their public
 * form, so an event never carries an entry's data.
 *
 * One subscription to the manager and the registry serves every stream: each event is rendered and
 * serialised once, then queued to each stream, so a step's cost does not grow with the listeners.
 */
export class EventStream {
  private readonly open = new Set<(message: Message | undefined) => void>();
  private readonly maxStreams: number;
  private unsubscribe: (() => void)[] = [];

  constructor(
    private readonly app: ServerApp,
    opts: { maxStreams?: number } = {},
  ) {
    this.maxStreams = opts.maxStreams ?? Number.POSITIVE_INFINITY;
  }

  flowMessage(event: FlowEvent): Message {
    const { type, flowId, handler, source, entryId } = event;
    const body = { type, flowId, handler, source, ...(entryId ? { entryId } : {}) };
    const result = publicResult(this.app, withTexts(this.app.manager, event.result));
    return { event: type, data: JSON.stringify({ ...body, result }) };
  }

  entryMessage(event: EntryEvent): Message {
    const entry = publicEntry(event.entry, this.app.runtime.secretKeys(event.entry.domain));
    const previous = event.type === 'entry_state' ? { previous: event.previous } : {};
    return { event: event.type, data: JSON.stringify({ type: event.type, entry, ...previous }) };
  }

  /** Streams open right now. */
  get size(): number {
    return this.open.size;
  }

  private broadcast(message: Message): void {
    for (const deliver of this.open) deliver(message);
  }

  /** Subscribes while at least one stream is open, so an idle server pays nothing per step. */
  private attach(): void {
    if (this.unsubscribe.length > 0) return;
    this.unsubscribe = [
      this.app.manager.subscribe((e) => this.broadcast(this.flowMessage(e))),
      this.app.entries.subscribe((e) => this.broadcast(this.entryMessage(e))),
    ];
  }

  private detachIfIdle(): void {
    if (this.open.size > 0) return;
    for (const u of this.unsubscribe.splice(0)) u();
  }

  respond(c: Context): Response {
    if (this.open.size >= this.maxStreams) {
      return c.json(
        { error: 'too_many_streams', message: `At most ${this.maxStreams} event streams may be open` },
        503,
        { 'retry-after': '5' },
      );
    }
    const queue: Message[] = [];
    let wake: (() => void) | undefined;
    let closed = false;
    // `undefined` closes the stream (server shutdown).
    const deliver = (m: Message | undefined) => {
      if (m === undefined || queue.length >= MAX_QUEUED) closed = true;
      else queue.push(m);
      wake?.();
    };
    const close = () => deliver(undefined);
    // Counted at once, so streams opened together cannot all pass the cap.
    this.open.add(deliver);
    this.attach();
    return streamSSE(c, async (stream) => {
      stream.onAbort(close);
      const keepalive = setInterval(() => void stream.write(': keepalive\n\n').catch(close), KEEPALIVE_MS);
      try {
        // Tells a client its subscription is live: events after this one are not missed.
        await stream.writeSSE({ event: 'ready', data: '{}' });
        while (!closed) {
          const next = queue.shift();
          if (next) {
            await stream.writeSSE(next);
            continue;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      } finally {
        clearInterval(keepalive);
        this.open.delete(deliver);
        this.detachIfIdle();
        await stream.close().catch(() => {});
      }
    });
  }

  /** Ends every open stream (graceful shutdown would otherwise wait for clients to hang up). */
  closeAll(): void {
    for (const deliver of [...this.open]) deliver(undefined);
  }
}
