import { isIPv4 } from 'node:net';
import { header, json, type SimResponse } from './http.ts';
import type { RequestContext } from './route.ts';

const JSON_TYPE = /^application\/(.+\+)?json\s*(;|$)/i;

/** `localhost`, an IPv4 literal in 127.0.0.0/8, or `[::1]`: names a rebinding attacker cannot own. */
function isLoopbackName(name: string): boolean {
  return (
    name === 'localhost' || name === '[::1]' || name === '::1' || (isIPv4(name) && name.startsWith('127.'))
  );
}

function hostName(value: string): string {
  return (
    value.startsWith('[') ? value.slice(0, value.indexOf(']') + 1) : value.split(':')[0]!
  ).toLowerCase();
}

/**
 * Guards the unauthenticated `/_sim/` control API against web pages: on a loopback simulator only
 * requests addressed to a loopback name are served (a DNS-rebound domain is refused), a request from
 * another site (`Origin` or `Sec-Fetch-Site` says so) is refused, and every body must be JSON, which a
 * page cannot send cross-site without a CORS preflight this simulator never grants.
 * Answers the refusal, or `undefined` to go on.
 */
export function controlGuard(ctx: RequestContext, boundToLoopback: boolean): SimResponse | undefined {
  const host = header(ctx.req, 'host') ?? '';
  if (boundToLoopback && !isLoopbackName(hostName(host))) {
    return json(403, {
      error: 'invalid_host',
      message: 'The control API only answers requests to localhost',
    });
  }
  if (ctx.method === 'GET' || ctx.method === 'HEAD') return undefined;
  const site = header(ctx.req, 'sec-fetch-site');
  const origin = header(ctx.req, 'origin');
  let foreignOrigin = false;
  if (origin !== undefined) {
    try {
      foreignOrigin = new URL(origin).host.toLowerCase() !== host.toLowerCase();
    } catch {
      foreignOrigin = true;
    }
  }
  if ((site !== undefined && site !== 'same-origin' && site !== 'none') || foreignOrigin) {
    return json(403, {
      error: 'cross_site_request',
      message: 'The control API refuses requests from web pages',
    });
  }
  const type = header(ctx.req, 'content-type');
  if ((ctx.body.length > 0 || type !== undefined) && !(type !== undefined && JSON_TYPE.test(type))) {
    return json(415, {
      error: 'unsupported_media_type',
      message: 'Send JSON with "Content-Type: application/json"',
    });
  }
  return undefined;
}
