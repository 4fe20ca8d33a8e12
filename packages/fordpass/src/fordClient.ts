import type { z } from 'zod';
import {
  autonomicTokenResponse,
  type B2cTokenResponse,
  b2cErrorResponse,
  b2cTokenResponse,
  type CatTokenResponse,
  type CommandResponse,
  catTokenResponse,
  commandResponse,
  fordErrorResponse,
  type TelemetryResponse,
  telemetryResponse,
  type VehiclesResponse,
  vehiclesResponse,
} from './apiSchemas.ts';
import { b2cEndpoint, FORD_CLIENT_ID, REDIRECT_URIS } from './authorizeUrl.ts';
import type { BaseUrls } from './baseUrls.ts';
import {
  ApiChanged,
  ApplicationIdRejected,
  DataUnauthorized,
  FordRateLimited,
  FordUnavailable,
  SignInRejected,
  TokenInvalid,
  VehicleNotAuthorized,
} from './errors.ts';
import type { Region } from './regions.ts';
import type { RequestBudget } from './requestBudget.ts';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface FordClientOptions {
  urls: BaseUrls;
  fetch?: FetchLike;
  /** Per request; a hung connection must not hang a poll. Default 30 s. */
  timeoutMs?: number;
  /** Epoch ms; for Retry-After given as an HTTP date. */
  now?: () => number;
}

export interface RequestOptions {
  signal?: AbortSignal | undefined;
  /** The account's budget; every call but the sign-in itself is charged to it. */
  budget?: RequestBudget | undefined;
}

interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

const USER_AGENT = 'okhttp/4.12.0';
const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

/** Ford's "sign in again" marker on the refresh endpoint: errorCode 460 (string or number) or its message. */
export function isInvalidTokenBody(body: unknown): boolean {
  const parsed = fordErrorResponse.safeParse(body);
  if (!parsed.success) return false;
  return (
    String(parsed.data.errorCode ?? '') === '460' ||
    /invalid or expired token/i.test(parsed.data.message ?? '')
  );
}

/** Ford's 400 errorCode 432 "Invalid ApplicationId" (string or number, or only the message). */
export function isInvalidApplicationIdBody(body: unknown): boolean {
  const parsed = fordErrorResponse.safeParse(body);
  if (!parsed.success) return false;
  return (
    String(parsed.data.errorCode ?? '') === '432' || /invalid applicationid/i.test(parsed.data.message ?? '')
  );
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Ford's HTTP API, one method per endpoint. Every answer is classified here, once: the status and body
 * decide which runtime error kind a failure is, and 2xx bodies are parsed with zod.
 */
export class FordClient {
  readonly urls: BaseUrls;
  private readonly fetch: FetchLike;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(opts: FordClientOptions) {
    this.urls = opts.urls;
    this.fetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  /** Trades the pasted authorization code (plus the flow's PKCE verifier) for B2C tokens. */
  async exchangeCode(region: Region, code: string, verifier: string, opts: RequestOptions = {}) {
    const reply = await this.send('token', b2cEndpoint(this.urls, region, 'token'), {
      method: 'POST',
      form: {
        client_id: FORD_CLIENT_ID,
        scope: `${FORD_CLIENT_ID} openid`,
        redirect_uri: REDIRECT_URIS[region.brand],
        grant_type: 'authorization_code',
        resource: '',
        code,
        code_verifier: verifier,
      },
      signal: opts.signal,
    });
    if (reply.status === 200) return this.parse('token', b2cTokenResponse, reply) as B2cTokenResponse;
    await this.transient('token', reply, opts.budget);
    if (reply.status === 400 || reply.status === 401) throw signInRejection(reply.body);
    throw new ApiChanged('token', `HTTP ${reply.status}${reply.body === undefined ? ' (not JSON)' : ''}`);
  }

  /** Mints the CAT pair from a fresh B2C access token. */
  async catFromB2c(region: Region, b2cAccessToken: string, opts: RequestOptions = {}) {
    await opts.budget?.take();
    const reply = await this.send('cat', `${this.urls.foundational}/api/token/v2/cat-with-b2c-access-token`, {
      method: 'POST',
      json: { idpToken: b2cAccessToken },
      headers: { 'Application-Id': region.applicationId },
      signal: opts.signal,
    });
    return this.catReply('cat', reply, opts.budget);
  }

  /** Rotates the CAT pair: the old refresh token is dead once this returns. */
  async refreshCat(region: Region, refreshToken: string, opts: RequestOptions = {}) {
    await opts.budget?.take();
    const reply = await this.send(
      'refresh',
      `${this.urls.foundational}/api/token/v2/cat-with-refresh-token`,
      {
        method: 'POST',
        json: { refresh_token: refreshToken },
        headers: { 'Application-Id': region.applicationId },
        signal: opts.signal,
      },
    );
    return this.catReply('refresh', reply, opts.budget);
  }

  /** RFC 8693 exchange of the CAT access token for a short-lived Autonomic token. */
  async autonomicToken(catAccessToken: string, opts: RequestOptions = {}) {
    await opts.budget?.take();
    const reply = await this.send('autonomic', `${this.urls.autonomic}/v1/auth/oidc/token`, {
      method: 'POST',
      form: {
        subject_token: catAccessToken,
        subject_issuer: 'fordpass',
        client_id: 'fordpass-prod',
        grant_type: TOKEN_EXCHANGE_GRANT,
        subject_token_type: JWT_TOKEN_TYPE,
      },
      signal: opts.signal,
    });
    if (reply.status === 200) return this.parse('autonomic', autonomicTokenResponse, reply);
    await this.transient('autonomic', reply, opts.budget);
    if (reply.status === 401) throw new DataUnauthorized('Autonomic refused the CAT token');
    throw new ApiChanged('autonomic', `HTTP ${reply.status}`);
  }

  /** The account's garage (expdashboard). 207 is Ford's "partial" success and still carries the list. */
  async vehicles(
    region: Region,
    catAccessToken: string,
    opts: RequestOptions = {},
  ): Promise<VehiclesResponse> {
    await opts.budget?.take();
    const reply = await this.send('vehicles', `${this.urls.vehicleApi}/api/expdashboard/v1/details/`, {
      method: 'POST',
      json: { dashboardRefreshRequest: 'All' },
      headers: {
        'auth-token': catAccessToken,
        'Application-Id': region.applicationId,
        countryCode: region.countryCode,
        locale: region.locale,
      },
      signal: opts.signal,
    });
    if (reply.status === 200 || reply.status === 207) return this.parse('vehicles', vehiclesResponse, reply);
    await this.transient('vehicles', reply, opts.budget);
    if (reply.status === 401) throw new DataUnauthorized('vehicle list: 401');
    if (reply.status === 400 && isInvalidApplicationIdBody(reply.body))
      throw new ApplicationIdRejected('vehicles');
    throw new ApiChanged('vehicles', `HTTP ${reply.status}`);
  }

  /** The vehicle's metrics and command states. */
  async telemetry(
    autonomicToken: string,
    vin: string,
    opts: RequestOptions = {},
  ): Promise<TelemetryResponse> {
    await opts.budget?.take();
    const url = `${this.urls.telemetry}/v1/telemetry/sources/fordpass/vehicles/${encodeURIComponent(vin)}?lrdt=01-01-1970%2000:00:00`;
    const reply = await this.send('status', url, {
      method: 'GET',
      headers: { authorization: `Bearer ${autonomicToken}` },
      signal: opts.signal,
    });
    if (reply.status === 200) return this.parse('status', telemetryResponse, reply);
    return this.vehicleFailure('status', reply, opts.budget);
  }

  /** Queues a command; completion shows later in `states["<type>Command"]`. */
  async sendCommand(
    autonomicToken: string,
    vin: string,
    type: string,
    opts: RequestOptions = {},
  ): Promise<CommandResponse> {
    await opts.budget?.take();
    const url = `${this.urls.command}/v1/command/vehicles/${encodeURIComponent(vin)}/commands`;
    const reply = await this.send('command', url, {
      method: 'POST',
      json: { properties: {}, tags: {}, type, wakeUp: true },
      headers: { authorization: `Bearer ${autonomicToken}` },
      signal: opts.signal,
    });
    if (reply.status >= 200 && reply.status < 300) return this.parse('command', commandResponse, reply);
    return this.vehicleFailure('command', reply, opts.budget);
  }

  private async catReply(
    endpoint: string,
    reply: Reply,
    budget: RequestBudget | undefined,
  ): Promise<CatTokenResponse> {
    if (reply.status === 200) return this.parse(endpoint, catTokenResponse, reply);
    await this.transient(endpoint, reply, budget);
    if ((reply.status === 400 || reply.status === 401) && isInvalidTokenBody(reply.body)) {
      throw new TokenInvalid(`Ford rejected the ${endpoint} token: sign in again`);
    }
    if (reply.status === 400 && isInvalidApplicationIdBody(reply.body))
      throw new ApplicationIdRejected(endpoint);
    // A 401 without Ford's "invalid token" marker is one of Ford's wobblies: keep the tokens, retry.
    if (reply.status === 401) throw new FordUnavailable(`${endpoint}: 401 without an error code`);
    throw new ApiChanged(endpoint, `HTTP ${reply.status}`);
  }

  private async vehicleFailure(
    endpoint: string,
    reply: Reply,
    budget: RequestBudget | undefined,
  ): Promise<never> {
    await this.transient(endpoint, reply, budget);
    if (reply.status === 401) throw new DataUnauthorized(`${endpoint}: 401`);
    if (reply.status === 403) {
      const message = fordErrorResponse.safeParse(reply.body).data?.message;
      throw new VehicleNotAuthorized(message ?? 'Vehicle not authorized for this account');
    }
    throw new ApiChanged(endpoint, `HTTP ${reply.status}`);
  }

  /** 429 and 5xx mean the same on every endpoint. */
  private async transient(endpoint: string, reply: Reply, budget: RequestBudget | undefined): Promise<void> {
    if (reply.status === 429) {
      const wait = retryAfterMs(reply.headers.get('retry-after'), this.now());
      // The error is thrown once the ledger has the block (the promise never rejects): whoever shares
      // the ledger holds off from then on, and nothing is still being written when the caller moves on.
      if (wait !== undefined) await budget?.block(this.now() + wait);
      throw new FordRateLimited(`Ford rate-limited ${endpoint}`, wait);
    }
    if (reply.status >= 500) throw new FordUnavailable(`Ford ${endpoint}: HTTP ${reply.status}`);
  }

  private parse<S extends z.ZodType>(endpoint: string, schema: S, reply: Reply): z.output<S> {
    if (reply.body === undefined) throw new ApiChanged(endpoint, 'the body is not JSON');
    const parsed = schema.safeParse(reply.body);
    if (!parsed.success) {
      const where = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      throw new ApiChanged(endpoint, where);
    }
    return parsed.data;
  }

  private async send(
    endpoint: string,
    url: string,
    req: {
      method: string;
      json?: unknown;
      form?: Record<string, string>;
      headers?: Record<string, string>;
      signal?: AbortSignal | undefined;
    },
  ): Promise<Reply> {
    const headers: Record<string, string> = {
      'User-Agent': USER_AGENT,
      Accept: 'application/json',
      ...req.headers,
    };
    let body: string | undefined;
    if (req.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(req.json);
    } else if (req.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(req.form).toString();
    }
    // One controller per request, its listener on the caller's long-lived signal removed afterwards:
    // `AbortSignal.any` on Node 20 left a listener per request on an entry's signal (months of polls).
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException('timed out', 'TimeoutError'));
    }, this.timeoutMs);
    const cancel = () => controller.abort(req.signal?.reason);
    if (req.signal?.aborted) cancel();
    else req.signal?.addEventListener('abort', cancel, { once: true });
    try {
      const response = await this.fetch(url, {
        method: req.method,
        headers,
        signal: controller.signal,
        ...(body !== undefined ? { body } : {}),
      });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    } catch (error) {
      if (timedOut) throw new FordUnavailable(`Ford ${endpoint}: timed out`, { cause: error });
      if (req.signal?.aborted) throw new FordUnavailable(`Ford ${endpoint}: cancelled`, { cause: error });
      const code = (error as { cause?: { code?: string } }).cause?.code;
      throw new FordUnavailable(`Ford ${endpoint}: ${code ?? (error as Error).message}`, { cause: error });
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', cancel);
    }
  }
}

/** Maps B2C's AADB2C codes to what the user must do next. */
function signInRejection(body: unknown): SignInRejected {
  const parsed = b2cErrorResponse.safeParse(body);
  const description = (parsed.success && (parsed.data.error_description ?? parsed.data.message)) || '';
  const code = /AADB2C\d+/.exec(description)?.[0];
  const short = description.split(/\r?\n/)[0] ?? description;
  switch (code) {
    case 'AADB2C90090':
      return new SignInRejected('code_truncated', short);
    case 'AADB2C90080':
    case 'AADB2C90088':
      return new SignInRejected('code_expired', short);
    case 'AADB2C90183':
      return new SignInRejected('code_mismatch', short);
    default:
      return new SignInRejected('sign_in_rejected', short || 'The sign-in was rejected');
  }
}
