import { Hono } from 'hono';
import { bearerAuth } from './bearerAuth.ts';
import { bodyLimit } from './bodyLimit.ts';
import { csrfGuard } from './csrfGuard.ts';
import { entryRoutes } from './entryRoutes.ts';
import { errorResponse } from './errorResponse.ts';
import { EventStream } from './eventStream.ts';
import { flowRoutes } from './flowRoutes.ts';
import { handlerRoutes } from './handlerRoutes.ts';
import { hostGuard } from './hostGuard.ts';
import { jsonOnly } from './jsonOnly.ts';
import { escapeLogText } from './logText.ts';
import type { ServerApp } from './serverApp.ts';
import { webAssets } from './webAssets.ts';

export const DEFAULT_BODY_LIMIT = 64 * 1024;
export const DEFAULT_MAX_EVENT_STREAMS = 100;

export interface ApiOptions {
  /** When set, every `/api` route needs `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** Request bodies larger than this are refused with 413 (default 64 KiB). */
  bodyLimit?: number;
  /** Where unexpected errors are logged (they reach the client only as a generic 500). */
  log?: (line: string) => void;
  /** Refuse requests whose `Host` is not a loopback name (set when bound to loopback). */
  loopbackOnly?: boolean;
  /**
   * Host names (no port) served besides the loopback names, e.g. the name a reverse proxy forwards
   * as `Host`. When set, every other `Host` is refused, however the server is bound.
   */
  allowedHosts?: readonly string[];
  /** Open event streams beyond this are refused with 503 (default 100, Grafana Live's default). */
  maxEventStreams?: number;
}

/** The HTTP application: JSON API under `/api`, server-sent events, and the web UI at `/`. */
export function createApi(app: ServerApp, opts: ApiOptions = {}): { http: Hono; events: EventStream } {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const events = new EventStream(app, { maxStreams: opts.maxEventStreams ?? DEFAULT_MAX_EVENT_STREAMS });
  const http = new Hono();

  http.onError((error, c) => {
    const { status, body, expected } = errorResponse(error);
    if (!expected) {
      // The path is the client's, the stack may quote entry titles: neither may forge a log line.
      const where = `${c.req.method} ${escapeLogText(c.req.path)}`;
      log(
        `configflow: ${where} failed: ${escapeLogText(error.stack ?? String(error), { keepNewlines: true })}`,
      );
    }
    return c.json(body, status as 400);
  });
  http.notFound((c) =>
    c.json({ error: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` }, 404),
  );

  const allowedHosts = opts.allowedHosts ?? [];
  if (opts.loopbackOnly || allowedHosts.length > 0) http.use('*', hostGuard(allowedHosts));
  http.use('/api/*', csrfGuard());
  if (opts.token !== undefined) http.use('/api/*', bearerAuth(opts.token));
  http.use('/api/*', bodyLimit(opts.bodyLimit ?? DEFAULT_BODY_LIMIT));
  http.use('/api/*', jsonOnly());

  http.route('/api/handlers', handlerRoutes(app));
  http.route('/api/flows', flowRoutes(app));
  http.route('/api/entries', entryRoutes(app));
  http.get('/api/events', (c) => events.respond(c));
  http.route('/', webAssets());

  return { http, events };
}
