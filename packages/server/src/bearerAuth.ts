import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Requires `Authorization: Bearer <token>`. Both sides are hashed first so the comparison takes the
 * same time whatever the length or content of the guess.
 */
export function bearerAuth(token: string): MiddlewareHandler {
  // An empty token would silently turn auth into "no one gets in" or, worse, be mistaken for "off".
  if (token === '') throw new RangeError('The API token must not be empty');
  const expected = digest(token);
  return async (c, next) => {
    const match = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
    if (!match || !timingSafeEqual(digest(match[1]!.trim()), expected)) {
      c.header('WWW-Authenticate', 'Bearer realm="configflow"');
      return c.json({ error: 'unauthorized', message: 'A valid bearer token is required' }, 401);
    }
    await next();
  };
}
