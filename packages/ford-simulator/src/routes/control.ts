import {
  ControlError,
  type CreateAccountInput,
  type LoginInput,
  type VehiclePatch,
  type VehicleSpecInput,
} from '../control.ts';
import type { FaultSpec } from '../faults.ts';
import { HttpError, json, type SimResponse } from '../http.ts';
import type { ControlRoute, RequestContext } from '../route.ts';

const ERROR_NAMES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'not_found',
  409: 'conflict',
};

/**
 * The JSON body of a control request; a missing body counts as `{}`. Typed as the caller expects:
 * SimControl validates every field with zod, so the cast only spares a second parse.
 */
function body<T = Record<string, unknown>>(ctx: RequestContext): T {
  if (ctx.body.length === 0) return {} as T;
  const parsed = ctx.json();
  if (
    !parsed.ok ||
    typeof parsed.value !== 'object' ||
    parsed.value === null ||
    Array.isArray(parsed.value)
  ) {
    throw new HttpError(json(400, { error: 'bad_request', message: 'body must be a JSON object' }));
  }
  return parsed.value as T;
}

function route(method: string, path: string, handle: (ctx: RequestContext) => SimResponse): ControlRoute {
  // `:name` segments become named groups.
  const source = path.replace(/:(\w+)/g, '(?<$1>[^/]+)');
  return {
    kind: 'control',
    methods: [method],
    pattern: new RegExp(`^${source}/?$`),
    handle: (ctx) => {
      try {
        return handle(ctx);
      } catch (error) {
        if (error instanceof ControlError) {
          return json(error.status, { error: ERROR_NAMES[error.status] ?? 'error', message: error.message });
        }
        throw error;
      }
    },
  };
}

const ok = (value: unknown, status = 200) => json(status, value);

/** `/_sim/*`: unauthenticated JSON control of the simulator, for tests and the chaos soak. */
export const controlRoutes: ControlRoute[] = [
  route('POST', '/_sim/accounts', (ctx) => ok(ctx.control.createAccount(body<CreateAccountInput>(ctx)), 201)),
  route('GET', '/_sim/accounts', (ctx) => ok({ accounts: ctx.control.accounts() })),
  route('GET', '/_sim/accounts/:username', (ctx) => {
    const username = ctx.params.username!;
    return ok({ ...ctx.control.account(username), budget: ctx.control.budget(username) });
  }),
  route('DELETE', '/_sim/accounts/:username', (ctx) => {
    ctx.control.deleteAccount(ctx.params.username!);
    return ok({ deleted: ctx.params.username });
  }),
  route('POST', '/_sim/accounts/:username/vehicles', (ctx) =>
    ok(ctx.control.addVehicle(ctx.params.username!, body<VehicleSpecInput>(ctx)), 201),
  ),
  route('DELETE', '/_sim/accounts/:username/vehicles/:vin', (ctx) =>
    ok(ctx.control.removeVehicle(ctx.params.username!, ctx.params.vin!)),
  ),
  route('POST', '/_sim/login', (ctx) => ok(ctx.control.login(body<LoginInput>(ctx)))),
  route('POST', '/_sim/faults', (ctx) => ok(ctx.control.addFault(body<FaultSpec>(ctx)), 201)),
  route('GET', '/_sim/faults', (ctx) => ok({ faults: ctx.control.faults() })),
  route('DELETE', '/_sim/faults', (ctx) => {
    ctx.control.clearFaults();
    return ok({ cleared: true });
  }),
  route('DELETE', '/_sim/faults/:id', (ctx) => {
    ctx.control.removeFault(ctx.params.id!);
    return ok({ deleted: ctx.params.id });
  }),
  route('POST', '/_sim/revoke', (ctx) => {
    const { username } = body(ctx);
    if (typeof username !== 'string') throw new ControlError(400, 'username is required');
    return ok(ctx.control.revoke(username));
  }),
  route('GET', '/_sim/clock', (ctx) => ok(ctx.control.now())),
  route('POST', '/_sim/clock', (ctx) => {
    const { advanceSeconds } = body(ctx);
    if (typeof advanceSeconds !== 'number') throw new ControlError(400, 'advanceSeconds must be a number');
    return ok(ctx.control.advanceClock(advanceSeconds));
  }),
  route('GET', '/_sim/stats', (ctx) => ok(ctx.control.stats())),
  route('POST', '/_sim/reset', (ctx) => {
    ctx.control.reset();
    return ok({ reset: true, now: ctx.control.now().now });
  }),
  route('GET', '/_sim/vehicles/:vin', (ctx) => ok(ctx.control.vehicle(ctx.params.vin!))),
  route('PATCH', '/_sim/vehicles/:vin', (ctx) =>
    ok(ctx.control.updateVehicle(ctx.params.vin!, body<VehiclePatch>(ctx))),
  ),
];
