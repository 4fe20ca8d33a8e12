import type { IncomingMessage } from 'node:http';
import type { Account } from './accounts.ts';
import type { SimControl } from './control.ts';
import type { JsonBody, SimResponse } from './http.ts';
import type { RouteName } from './routeNames.ts';
import type { SimState } from './state.ts';

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Named groups of the route's pattern, URL-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly sim: SimState;
  readonly control: SimControl;
  /** The body as JSON (parsed once). */
  json(): JsonBody;
  /** The body as application/x-www-form-urlencoded (parsed once). */
  form(): URLSearchParams;
}

/**
 * A Ford API route. `identify` names the account a request belongs to (from its credentials, valid or
 * not) before any fault or budget check, so both can be per account. Handlers are synchronous on
 * purpose: a token check and its rotation can never interleave with another request.
 */
export interface FordRoute {
  readonly kind: 'ford';
  readonly name: RouteName;
  readonly methods: readonly string[];
  readonly pattern: RegExp;
  identify(ctx: RequestContext): Account | undefined;
  /** Ford's own body for a fault of this status on this route, used when the fault brings none. */
  faultBody?(status: number): unknown;
  handle(ctx: RequestContext): SimResponse;
}

export interface ControlRoute {
  readonly kind: 'control';
  readonly methods: readonly string[];
  readonly pattern: RegExp;
  handle(ctx: RequestContext): SimResponse;
}

export type Route = FordRoute | ControlRoute;
