import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Clock, SimClock } from './clock.ts';
import { SECONDS_PER_DAY } from './constants.ts';
import { type AccountView, ControlError, type FaultView, SimControl, type VehicleView } from './control.ts';
import { controlGuard } from './controlGuard.ts';
import { type Fault, isReset } from './faults.ts';
import {
  BodyTooLargeError,
  HttpError,
  type JsonBody,
  json,
  parseForm,
  parseJson,
  readBody,
  type SimResponse,
  writeResponse,
} from './http.ts';
import { type RateLimitShape, rateLimitResponse, resolveRateLimit } from './rateLimit.ts';
import type { FordRoute, RequestContext, Route } from './route.ts';
import { BUDGETED_ROUTES } from './routeNames.ts';
import { autonomicRoute } from './routes/autonomic.ts';
import { authorizeRoute, confirmedRoute, selfAssertedRoute, tokenRoute } from './routes/b2c.ts';
import { catRoute, refreshRoute } from './routes/cat.ts';
import { controlRoutes } from './routes/control.ts';
import { garageRoutes } from './routes/garage.ts';
import { commandRoute, inventoryRoute, statusRoute, telemetryQueryRoute } from './routes/telemetry.ts';
import { vehiclesRoute } from './routes/vehicles.ts';
import { type SimConfig, SimState } from './state.ts';
import type { StatsSnapshot } from './stats.ts';

export interface FordSimulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Requests per account per simulated UTC day (fixed window); default 250, Infinity disables. */
  requestBudgetPerDay?: number;
  /** Authorization code lifetime, simulated seconds; default 600. */
  codeTtlSeconds?: number;
  /** B2C access/id token lifetime, simulated seconds; default 1800. */
  b2cAccessTtlSeconds?: number;
  /** Autonomic access token lifetime, simulated seconds; default 300. */
  autonomicTokenTtlSeconds?: number;
  /** CAT access token lifetime, simulated seconds; default 1800. */
  catAccessTtlSeconds?: number;
  /** CAT refresh token lifetime, simulated seconds, renewed by each rotation; default 90 days. */
  catRefreshTtlSeconds?: number;
  /** Simulated seconds from a command's creation to its final state; default 10. */
  commandSeconds?: number;
  /** Initial simulated time, epoch seconds; default the wall clock at start. */
  startTime?: number;
  /** Simulated seconds after which a command the car did not finish is EXPIRED; default 90 (Ford). */
  commandExpireSeconds?: number;
  /** Status of a successful vehicle list; default 207 (Ford), 200 as the variant some clients expect. */
  vehicleListStatus?: 200 | 207;
  /** Status of a rejected refresh (errorCode "460" body); default 400 (Ford), or 401. */
  refreshRejectStatus?: 400 | 401;
  /** How the Application-Id header is checked; default `region` (a known id of the account's region). */
  applicationIdCheck?: 'region' | 'known' | 'off';
  /** The 429 over-budget answer; Ford's real one is not known, so each part is configurable. */
  rateLimit?: Partial<RateLimitShape>;
  /** Top level of the garage endpoint's answer; default a list. */
  garageShape?: 'list' | 'wrapped';
  /** The sign-in pages; default `form`, `b2c` for B2C's SelfAsserted/confirmed flow ending in a 302. */
  signInPage?: 'form' | 'b2c';
}

/** Read-only views of the simulator's state for in-process tests. */
export interface SimulatorState {
  accounts(): AccountView[];
  account(username: string): AccountView | undefined;
  stats(): StatsSnapshot;
  faults(): FaultView[];
  vehicle(vin: string): VehicleView | undefined;
  /** Requests used by the account in the current simulated day and the daily limit (null: unlimited). */
  budget(username: string): { used: number; limit: number | null } | undefined;
}

export interface FordSimulator {
  /** `http://127.0.0.1:PORT`: every Ford route and `/_sim/` live on this one origin. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The simulated clock (epoch seconds) that every expiry and budget window reads. */
  readonly clock: Clock;
  readonly state: SimulatorState;
  /** The `/_sim/` control operations, typed, for in-process use. */
  readonly control: SimControl;
  close(): Promise<void>;
}

const FORD_ROUTES: FordRoute[] = [
  authorizeRoute,
  selfAssertedRoute,
  confirmedRoute,
  tokenRoute,
  catRoute,
  refreshRoute,
  autonomicRoute,
  vehiclesRoute,
  statusRoute,
  commandRoute,
  telemetryQueryRoute,
  inventoryRoute,
  ...garageRoutes,
];
const ROUTES: Route[] = [...FORD_ROUTES, ...controlRoutes];

function positive(name: string, value: number | undefined, fallback: number): number {
  const result = value ?? fallback;
  if (typeof result !== 'number' || Number.isNaN(result) || result < 0) {
    throw new RangeError(`${name} must be a non-negative number`);
  }
  return result;
}

/** `value` if it is one of `allowed`, the first of them when unset. */
function oneOf<T>(name: string, value: T | undefined, allowed: readonly T[]): T {
  if (value === undefined) return allowed[0]!;
  if (!allowed.includes(value)) throw new RangeError(`${name} must be one of ${allowed.join(', ')}`);
  return value;
}

export function resolveConfig(options: FordSimulatorOptions): SimConfig {
  return {
    requestBudgetPerDay: positive('requestBudgetPerDay', options.requestBudgetPerDay, 250),
    codeTtlSeconds: positive('codeTtlSeconds', options.codeTtlSeconds, 600),
    b2cAccessTtlSeconds: positive('b2cAccessTtlSeconds', options.b2cAccessTtlSeconds, 1800),
    autonomicTokenTtlSeconds: positive('autonomicTokenTtlSeconds', options.autonomicTokenTtlSeconds, 300),
    catAccessTtlSeconds: positive('catAccessTtlSeconds', options.catAccessTtlSeconds, 1800),
    catRefreshTtlSeconds: positive(
      'catRefreshTtlSeconds',
      options.catRefreshTtlSeconds,
      90 * SECONDS_PER_DAY,
    ),
    commandSeconds: positive('commandSeconds', options.commandSeconds, 10),
    commandExpireSeconds: positive('commandExpireSeconds', options.commandExpireSeconds, 90),
    vehicleListStatus: oneOf('vehicleListStatus', options.vehicleListStatus, [207, 200] as const),
    refreshRejectStatus: oneOf('refreshRejectStatus', options.refreshRejectStatus, [400, 401] as const),
    applicationIdCheck: oneOf('applicationIdCheck', options.applicationIdCheck, [
      'region',
      'known',
      'off',
    ] as const),
    rateLimit: resolveRateLimit(options.rateLimit),
    garageShape: oneOf('garageShape', options.garageShape, ['list', 'wrapped'] as const),
    signInPage: oneOf('signInPage', options.signInPage, ['form', 'b2c'] as const),
  };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function findRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | SimResponse {
  const matching = ROUTES.flatMap((route) => {
    const match = route.pattern.exec(path);
    return match ? [{ route, match }] : [];
  });
  if (matching.length === 0)
    return json(404, { error: 'not_found', message: `No route for ${method} ${path}` });
  const found = matching.find(({ route }) => route.methods.includes(method));
  if (!found) {
    const allow = [...new Set(matching.flatMap(({ route }) => route.methods))].join(', ');
    return json(
      405,
      { error: 'method_not_allowed', message: `${method} is not allowed on ${path}` },
      { allow },
    );
  }
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(found.match.groups ?? {})) params[name] = decode(value);
  return { route: found.route, params };
}

function faultResponse(fault: Fault, status: number, route: FordRoute): SimResponse {
  const headers = { ...fault.headers };
  const fordBody = fault.body === undefined ? route.faultBody?.(status) : undefined;
  if (fordBody !== undefined) return json(status, fordBody, headers);
  if (fault.body === undefined) {
    return json(
      status,
      { error: 'SIMULATED_FAULT', message: `Injected fault ${fault.id}`, faultId: fault.id },
      headers,
    );
  }
  if (typeof fault.body === 'string') {
    return fault.body.trimStart().startsWith('<')
      ? { status, html: fault.body, headers }
      : { status, text: fault.body, headers };
  }
  return json(status, fault.body, headers);
}

export async function startFordSimulator(options: FordSimulatorOptions = {}): Promise<FordSimulator> {
  const config = resolveConfig(options);
  const clock = new SimClock(options.startTime ?? Math.floor(Date.now() / 1000));
  const sim = new SimState(config, clock);
  const control = new SimControl(sim);
  const host = options.host ?? '127.0.0.1';
  const loopbackHost = ['127.0.0.1', 'localhost', '::1'].includes(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
  // Aborts fault delays still sleeping when the simulator closes.
  const closing = new AbortController();
  // Every request held by a latency fault waits on this one signal (its listener goes when the wait
  // ends), so many at once is normal here, not a leak.
  setMaxListeners(Number.POSITIVE_INFINITY, closing.signal);
  const sockets = new Set<Socket>();

  async function serveFord(route: FordRoute, ctx: RequestContext, res: ServerResponse): Promise<void> {
    const username = route.identify(ctx)?.username;
    const budgeted = BUDGETED_ROUTES.has(route.name) && username !== undefined;
    sim.stats.recordRequest(route.name, username, sim.now());
    const send = (response: SimResponse) => {
      if (response.status === 429) sim.stats.recordRateLimited(username);
      writeResponse(res, response);
    };

    const fault = sim.faults.take(route.name, username);
    if (fault) {
      sim.stats.recordFault(username);
      // Ford would have seen (and counted) a request that then failed; retries cost budget.
      if (budgeted && fault.status !== undefined) sim.budget.charge(username, sim.now());
      if (fault.delayMs > 0) await sleep(fault.delayMs, undefined, { signal: closing.signal });
      if (isReset(fault)) {
        ctx.req.socket.resetAndDestroy();
        return;
      }
      if (typeof fault.status === 'number') {
        send(faultResponse(fault, fault.status, route));
        return;
      }
    }

    if (budgeted) {
      const verdict = sim.budget.tryConsume(username, sim.now());
      if (!verdict.ok) {
        send(rateLimitResponse(sim.config.rateLimit, verdict.limit, verdict.retryAfterSeconds));
        return;
      }
    }
    send(route.handle(ctx));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const path = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    const query = new URLSearchParams(queryAt < 0 ? '' : rawUrl.slice(queryAt + 1));
    const found = findRoute(method, path);
    if (!('route' in found)) {
      req.resume();
      writeResponse(res, found);
      return;
    }
    const body = await readBody(req);
    let jsonBody: JsonBody | undefined;
    let formBody: URLSearchParams | undefined;
    const ctx: RequestContext = {
      req,
      method,
      path,
      query,
      params: found.params,
      body,
      sim,
      control,
      json: () => {
        jsonBody ??= parseJson(body);
        return jsonBody;
      },
      form: () => {
        formBody ??= parseForm(body);
        return formBody;
      },
    };
    if (found.route.kind === 'control')
      writeResponse(res, controlGuard(ctx, loopbackHost) ?? found.route.handle(ctx));
    else await serveFord(found.route, ctx, res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (closing.signal.aborted) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) return writeResponse(res, error.response);
      if (error instanceof ControlError) {
        return writeResponse(res, json(error.status, { error: 'error', message: error.message }));
      }
      if (error instanceof BodyTooLargeError) {
        res.setHeader('connection', 'close');
        return writeResponse(
          res,
          json(413, { error: 'payload_too_large', message: 'request body over 1 MiB' }),
        );
      }
      // Never crash the simulator: report the bug to the client instead.
      writeResponse(res, json(500, { error: 'internal_error', message: String(error) }));
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const state: SimulatorState = {
    accounts: () => control.accounts(),
    account: (username) => (sim.accounts.get(username) ? control.account(username) : undefined),
    stats: () => control.stats(),
    faults: () => control.faults(),
    vehicle: (vin) => (sim.vehicles.get(vin) ? control.vehicle(vin) : undefined),
    budget: (username) => (sim.accounts.get(username) ? control.budget(username) : undefined),
  };

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve, reject) => {
      closing.abort();
      server.close((error) => (error ? reject(error) : resolve()));
      for (const socket of sockets) socket.destroy();
    });
    return closed;
  };

  return { url, host, port, clock, state, control, close };
}
