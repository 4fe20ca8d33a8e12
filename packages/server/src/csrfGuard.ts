import type { MiddlewareHandler } from 'hono';
import { csrf } from 'hono/csrf';

/**
 * Hono's CSRF check (`Origin` equal to the server's own origin, or `Sec-Fetch-Site: same-origin`) on
 * every state-changing request a browser sends. A browser always sends `Origin` with a POST or DELETE
 * (and `Sec-Fetch-Site` to loopback), so a request with neither comes from a program (curl, the CLI),
 * which no other site can drive; it is let through. (Grafana likewise checks only what a browser
sends: unless `csrf_always_check` is set, it skips the check on requests without its login cookie.)
 */
export function csrfGuard(): MiddlewareHandler {
  const check = csrf();
  return async (c, next) => {
    if (c.req.header('origin') === undefined && c.req.header('sec-fetch-site') === undefined) return next();
    return check(c, next);
  };
}
