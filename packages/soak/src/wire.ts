import { decodeJwt } from '@configflow/ford-simulator';
import type { FetchLike } from '@configflow/fordpass';
import type { Ledger } from './ledger.ts';

/** Ford's routes, as the simulator names them, recognised from the URL path. */
export type Route =
  | 'authorize'
  | 'token'
  | 'cat'
  | 'refresh'
  | 'autonomic'
  | 'vehicles'
  | 'status'
  | 'command';

const BUDGETED = new Set<Route>(['cat', 'refresh', 'autonomic', 'vehicles', 'status', 'command']);

export function routeOf(url: string): Route | undefined {
  const path = new URL(url).pathname;
  if (path.endsWith('/oauth2/v2.0/token')) return 'token';
  if (path.endsWith('/oauth2/v2.0/authorize')) return 'authorize';
  if (path === '/api/token/v2/cat-with-b2c-access-token') return 'cat';
  if (path === '/api/token/v2/cat-with-refresh-token') return 'refresh';
  if (path === '/v1/auth/oidc/token') return 'autonomic';
  if (path.startsWith('/api/expdashboard/')) return 'vehicles';
  if (path.startsWith('/v1/telemetry/')) return 'status';
  if (path.endsWith('/commands')) return 'command';
  return undefined;
}

/** The state of one app process as the wire sees it. */
export interface WireProcess {
  dead: boolean;
  /** Armed by a crash injection: the next refresh request of this process kills it. */
  crashOnRefresh: 'request' | 'response' | undefined;
  /** Called when the wire kills the process (synchronously, before anything else happens). */
  onKilled(): void;
}

function header(init: RequestInit, name: string): string | undefined {
  const h = init.headers;
  if (!h) return undefined;
  if (h instanceof Headers) return h.get(name) ?? undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(h as Record<string, string>)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function subjectOf(token: string | undefined | null): string | undefined {
  if (!token) return undefined;
  const sub = decodeJwt(token)?.payload.sub;
  return typeof sub === 'string' ? sub : undefined;
}

/** The credential a request carries, and so the account Ford charges it to. */
function credentialOf(route: Route, init: RequestInit): string | undefined {
  const body = typeof init.body === 'string' ? init.body : '';
  switch (route) {
    case 'cat':
      return (JSON.parse(body) as { idpToken?: string }).idpToken;
    case 'refresh':
      return (JSON.parse(body) as { refresh_token?: string }).refresh_token;
    case 'autonomic':
      return new URLSearchParams(body).get('subject_token') ?? undefined;
    case 'vehicles':
      return header(init, 'auth-token');
    case 'status':
    case 'command':
      return header(init, 'authorization')?.replace(/^Bearer\s+/i, '');
    default:
      return undefined;
  }
}

/** What a dead process gets instead of an answer: the connection died with it. */
function connectionLost(): Error {
  return Object.assign(new TypeError('fetch failed'), {
    cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
  });
}

/**
 * The app's `fetch`, instrumented: it tells the ledger what Ford charged and which refresh tokens it
 * consumed or minted, and it is where a crash "during a refresh" happens. A dead process's requests
 * are never sent, and answers arriving after its death are recorded but never delivered.
 */
export function instrumentedFetch(proc: WireProcess, ledger: Ledger, now: () => number): FetchLike {
  return async (url, init) => {
    const route = routeOf(url);
    if (proc.dead) throw connectionLost();
    const credential = route ? credentialOf(route, init) : undefined;
    const subject = subjectOf(credential);
    if (route === 'refresh' && proc.crashOnRefresh === 'request') {
      // The process dies as it is about to send: Ford never sees the request.
      proc.crashOnRefresh = undefined;
      proc.dead = true;
      proc.onKilled();
      throw connectionLost();
    }
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      // A reset: Ford saw (and charged) the request.
      if (route && BUDGETED.has(route)) ledger.counted(subject, now());
      throw error;
    }
    const text = await response.text();
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const budgetRefusal = response.status === 429 && body?.error === 'TOO_MANY_REQUESTS';
    if (route && BUDGETED.has(route)) {
      if (budgetRefusal) ledger.budgetRefused(subject);
      else ledger.counted(subject, now());
    }
    if (route === 'refresh' && proc.crashOnRefresh === 'response') {
      // Ford has answered; the process dies before it can read (and save) the answer.
      proc.crashOnRefresh = undefined;
      proc.dead = true;
      proc.onKilled();
    }
    const delivered = !proc.dead;
    if (response.status === 200 && body) {
      if (route === 'cat') {
        const sub = subjectOf(body.access_token);
        if (sub) ledger.signedIn(sub, body.refresh_token);
      }
      if (route === 'refresh' && subject && credential) {
        ledger.rotated(subject, credential, body.refresh_token, delivered);
      }
    } else if (
      route === 'refresh' &&
      subject &&
      credential &&
      (response.status === 400 || response.status === 401)
    ) {
      if (body?.errorCode === '460' || body?.errorCode === 460) ledger.rejected(subject, credential);
    }
    if (!delivered) throw connectionLost();
    return new Response(text, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
