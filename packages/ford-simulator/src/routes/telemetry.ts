import { z } from 'zod';
import { isoAt } from '../clock.ts';
import { COMMAND_TYPES, issueCommand, settleVehicle } from '../commands.ts';
import { bearerToken, json, type SimResponse } from '../http.ts';
import type { FordRoute, RequestContext } from '../route.ts';
import { renderTelemetry } from '../telemetry.ts';
import { normalizeVin, type Vehicle } from '../vehicles.ts';

const commandBody = z.object({
  type: z.enum(COMMAND_TYPES),
  properties: z.record(z.string(), z.unknown()).default({}),
  tags: z.record(z.string(), z.unknown()).default({}),
  wakeUp: z.boolean().default(true),
  version: z.string().optional(),
});

/** Resolves the Autonomic bearer token and the VIN it must be allowed to reach (401, then 403). */
function authorizeVehicle(ctx: RequestContext): Vehicle | SimResponse {
  const token = bearerToken(ctx.req);
  if (!token) return json(401, { error: 'UNAUTHORIZED', message: 'missing bearer token' });
  const check = ctx.sim.tokens.check(token, 'autonomic-access');
  if (!check.ok) {
    const message = check.reason === 'expired' ? 'provided token was expired' : 'provided token is invalid';
    return json(401, { error: 'UNAUTHORIZED', message });
  }
  const vin = ctx.params.vin!;
  const vehicle = check.account.vins.includes(normalizeVin(vin)) ? ctx.sim.vehicles.get(vin) : undefined;
  if (!vehicle) {
    return json(403, {
      error: 'FORBIDDEN',
      message: `Caller is NOT AUTHORIZED TO PERFORM this action on vehicle ${vin}`,
    });
  }
  return vehicle;
}

export const identifyBearer = (ctx: RequestContext) => ctx.sim.tokens.owner(bearerToken(ctx.req));

const queryBody = z.object({ includeMetrics: z.array(z.string()).optional() }).loose();

/** Ford's answer when the TMC behind `:query` fails (quoted by marq24, fordpass_bridge.py:1525). */
export const TMC_BAD_GATEWAY = {
  code: 502,
  error: 'bad gateway',
  message: 'A TMC service returned an invalid response',
};

/** `GET /v1/telemetry/sources/fordpass/vehicles/{vin}`: metrics, command states and events. */
export const statusRoute: FordRoute = {
  kind: 'ford',
  name: 'status',
  methods: ['GET'],
  pattern: /^\/v1\/telemetry\/sources\/fordpass\/vehicles\/(?<vin>[^/]+)\/?$/,
  identify: identifyBearer,
  handle: (ctx) => {
    const vehicle = authorizeVehicle(ctx);
    if ('status' in vehicle) return vehicle;
    return json(200, renderTelemetry(vehicle, ctx.sim.now()));
  },
};

/**
 * `POST /v1beta/telemetry/sources/fordpass/vehicles/{vin}:query` with `{ includeMetrics: [...] }`: the
 * FordPass app's own status call (marq24 bridge:1528, pyfordpass sansio.py:956). The same document as
 * the GET, holding only the metrics asked for (all without `includeMetrics`). A 502 fault on this
 * route without a body answers Ford's TMC "bad gateway" body.
 */
export const telemetryQueryRoute: FordRoute = {
  kind: 'ford',
  name: 'telemetryQuery',
  methods: ['POST'],
  pattern: /^\/v1beta\/telemetry\/sources\/fordpass\/vehicles\/(?<vin>[^/:]+):query$/,
  identify: identifyBearer,
  faultBody: (status) => (status === 502 ? TMC_BAD_GATEWAY : undefined),
  handle: (ctx) => {
    const vehicle = authorizeVehicle(ctx);
    if ('status' in vehicle) return vehicle;
    const body = ctx.body.length === 0 ? { ok: true as const, value: {} } : ctx.json();
    const parsed = body.ok ? queryBody.safeParse(body.value) : undefined;
    if (!parsed?.success) {
      return json(400, { error: 'BAD_REQUEST', message: 'body must be JSON {"includeMetrics": [...]}' });
    }
    return json(200, renderTelemetry(vehicle, ctx.sim.now(), parsed.data.includeMetrics));
  },
};

/** `GET /v1/inventory/vehicles:getByVin?vin=…`: marq24 asks it before opening the websocket. */
export const inventoryRoute: FordRoute = {
  kind: 'ford',
  name: 'inventory',
  methods: ['GET'],
  pattern: /^\/v1\/inventory\/vehicles:getByVin$/,
  identify: identifyBearer,
  handle: (ctx) => {
    const vin = ctx.query.get('vin');
    if (!vin) return json(400, { error: 'BAD_REQUEST', message: 'the vin query parameter is required' });
    const vehicle = authorizeVehicle({ ...ctx, params: { vin } });
    if ('status' in vehicle) return vehicle;
    return json(200, { vin: vehicle.vin, vehicleId: vehicle.vehicleId, deviceId: vehicle.deviceId });
  },
};

/**
 * `POST /v1/command/vehicles/{vin}/commands` (also `/v1beta/...`): queues a command that then moves
 * REQUEST_QUEUED → RECEIVED_BY_DEVICE → result on the simulated clock; its effect lands on completion.
 * A car that has not finished by `expireTime` (create + `commandExpireSeconds`) leaves it EXPIRED.
 */
export const commandRoute: FordRoute = {
  kind: 'ford',
  name: 'command',
  methods: ['POST'],
  pattern: /^\/v1(?:beta)?\/command\/vehicles\/(?<vin>[^/]+)\/commands\/?$/,
  identify: identifyBearer,
  handle: (ctx) => {
    const vehicle = authorizeVehicle(ctx);
    if ('status' in vehicle) return vehicle;
    const body = ctx.json();
    const parsed = body.ok ? commandBody.safeParse(body.value) : undefined;
    if (!parsed?.success) {
      const message = parsed ? z.prettifyError(parsed.error) : 'body must be JSON';
      return json(400, { error: 'BAD_REQUEST', message });
    }
    const now = ctx.sim.now();
    settleVehicle(vehicle, now);
    const command = issueCommand(vehicle, parsed.data, now, ctx.sim.config.commandExpireSeconds);
    // Ford's answer (itchannel issue #330): the clients read only `id`.
    return json(201, {
      id: command.id,
      target: { vehicleId: vehicle.vehicleId, vin: vehicle.vin, deviceId: vehicle.deviceId },
      type: command.type,
      currentStatus: 'REQUESTED',
      statusReason: 'Command in progress',
      createTime: isoAt(now),
      updateTime: isoAt(now),
      expireTime: isoAt(command.expiresAt),
      failIfPrecluded: false,
      wakeUp: command.wakeUp,
    });
  },
};
