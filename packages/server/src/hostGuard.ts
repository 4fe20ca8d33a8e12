import type { MiddlewareHandler } from 'hono';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

/**
 * For a server bound to loopback: only requests addressed to a loopback name are served. A web page
 * that rebinds its own domain to 127.0.0.1 (DNS rebinding) sends its domain as `Host` and is refused,
 * so it cannot drive flows on this machine.
 */
export function hostGuard(): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('host') ?? '';
    const name = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.split(':')[0]!;
    if (!isLoopback(name.toLowerCase())) {
      return c.json(
        { error: 'invalid_host', message: 'This server only answers requests addressed to localhost' },
        403,
      );
    }
    await next();
  };
}
