import { isIPv4 } from 'node:net';
import type { MiddlewareHandler } from 'hono';

/**
 * Whether a host name (no port; IPv6 in brackets or bare) names this machine: exactly `localhost`, an
 * IPv4 literal in 127.0.0.0/8, or `::1`. A name that merely starts with `127.` (`127.attacker.example`)
 * is a domain an attacker controls and can point at 127.0.0.1 (DNS rebinding), so it is not loopback.
 */
export function isLoopback(host: string): boolean {
  const name = host.toLowerCase();
  if (name === 'localhost' || name === '[::1]' || name === '::1') return true;
  return isIPv4(name) && name.split('.')[0] === '127';
}

/** The host name of a `Host` header value, lower-cased, without its port (`[::1]:8123` → `[::1]`). */
export function hostName(header: string): string {
  const name = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.split(':')[0]!;
  return name.toLowerCase();
}

/** A `Host` value is accepted when it names this machine or is one of the allowed host names. */
export function isAllowedHost(header: string, allowedHosts: readonly string[] = []): boolean {
  const name = hostName(header);
  if (name === '') return false;
  return isLoopback(name) || allowedHosts.some((h) => h.toLowerCase() === name);
}

/**
 * Only requests addressed to this machine by a loopback name, or to one of `allowedHosts` (a real
 * host name behind a reverse proxy), are served. A web page that rebinds its own domain to 127.0.0.1
 * (DNS rebinding) sends its domain as `Host` and is refused, so it cannot drive flows on this machine.
 */
export function hostGuard(allowedHosts: readonly string[] = []): MiddlewareHandler {
  return async (c, next) => {
    if (!isAllowedHost(c.req.header('host') ?? '', allowedHosts)) {
      return c.json(
        {
          error: 'invalid_host',
          message: 'This server only answers requests addressed to an allowed host name',
        },
        403,
      );
    }
    await next();
  };
}
