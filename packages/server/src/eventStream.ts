import type { EntryEvent, FlowEvent } from '@configflow/core';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { withTexts } from './flowTexts.ts';
import { publicEntry } from './publicEntry.ts';
import type { ServerApp } from './serverApp.ts';

/** Comments keep idle connections open through proxies that drop silent ones. */
const KEEPALIVE_MS = 20_000;
/** A client this far behind is cut off rather than buffered without bound; it reconnects and re-reads. */
const MAX_QUEUED = 1_000;

/**
 * Server-sent events: flow progress (`created`, `progressed`, `progress`, `ended`) and entry changes
 * (`entry_added`, `entry_updated`, `entry_removed`, `entry_state`). Entries go out in their public
 * form, so an event never carries an entry's data.
 */
export class EventStream {
  private readonly open = new Set<() => void>();

  constructor(private readonly app: ServerApp) {}

  flowMessage(event: FlowEvent): { event: string; data: string } {
    const { type, flowId, handler, source, entryId } = event;
    const body = { type, flowId, handler, source, ...(entryId ? { entryId } : {}) };
    return {
      event: type,
      data: JSON.stringify({ ...body, result: withTexts(this.app.manager, event.result) }),
    };
  }

  entryMessage(event: EntryEvent): { event: string; data: string } {
    const entry = publicEntry(event.entry, this.app.runtime.secretKeys(event.entry.domain));
    const previous = event.type === 'entry_state' ? { previous: event.previous } : {};
    return { event: event.type, data: JSON.stringify({ type: event.type, entry, ...previous }) };
  }

  respond(c: Context): Response {
    return streamSSE(c, async (stream) => {
      const queue: { event: string; data: string }[] = [];
      let wake: (() => void) | undefined;
      let closed = false;
      const push = (m: { event: string; data: string }) => {
        if (queue.length >= MAX_QUEUED) closed = true;
        else queue.push(m);
        wake?.();
      };
      const close = () => {
        closed = true;
        wake?.();
      };
      const unsubscribe = [
        this.app.manager.subscribe((e) => push(this.flowMessage(e))),
        this.app.entries.subscribe((e) => push(this.entryMessage(e))),
      ];
      this.open.add(close);
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
        for (const u of unsubscribe) u();
        this.open.delete(close);
        await stream.close().catch(() => {});
      }
    });
  }

  /** Ends every open stream (graceful shutdown would otherwise wait for clients to hang up). */
  closeAll(): void {
    for (const close of [...this.open]) close();
  }
}
