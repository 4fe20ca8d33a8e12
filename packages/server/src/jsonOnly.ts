import type { MiddlewareHandler } from 'hono';

const JSON_TYPE = /^application\/(.+\+)?json\s*(;|$)/i;

/**
 * Every request that carries a body must declare it as JSON, on every route (also those that ignore
 * their body): what a cross-site page can send without a CORS preflight (a form, `text/plain`, a Blob
 * with no type, `sendBeacon`) is refused with 415 before a route runs.
 */
export function jsonOnly(): MiddlewareHandler {
  return async (c, next) => {
    const length = c.req.header('content-length');
    const hasBody =
      c.req.header('transfer-encoding') !== undefined || (length !== undefined && Number(length) > 0);
    const type = c.req.header('content-type');
    if ((hasBody || type !== undefined) && !(type !== undefined && JSON_TYPE.test(type))) {
      return c.json(
        { error: 'unsupported_media_type', message: 'Send JSON with "Content-Type: application/json"' },
        415,
      );
    }
    await next();
  };
}
