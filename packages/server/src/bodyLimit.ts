import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit as streamingBodyLimit } from 'hono/body-limit';

/**
 * Refuses request bodies over `maxSize` bytes with a 413. A body with a `Content-Length` is judged by
 * the header alone (Node's parser never reads past it), so the request stays @hono/node-server's
 * lightweight one and the body is read once, straight from the socket, by the route. Hono's own
 * middleware touches `c.req.raw.body`, which builds a full web `Request` with a stream for every
 * request (profiled: a large share of a flow step's server time); only chunked bodies, whose size is
 * unknown, take that path.
 */
export function bodyLimit(maxSize: number): MiddlewareHandler {
  const onError = (c: Context) =>
    // The rest of the body is never read, so the connection cannot carry another request: say so,
    // or a keep-alive client reuses a socket the server is about to drop.
    c.json({ error: 'payload_too_large', message: `Request bodies are limited to ${maxSize} bytes` }, 413, {
      connection: 'close',
    });
  const streaming = streamingBodyLimit({ maxSize, onError });
  return async (c, next) => {
    if (c.req.header('transfer-encoding') !== undefined) return streaming(c, next);
    const length = c.req.header('content-length');
    if (length !== undefined && Number(length) > maxSize) return onError(c);
    await next();
  };
}
