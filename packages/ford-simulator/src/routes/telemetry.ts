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

const identifyBearer = (ctx: RequestContext) => ctx.sim.tokens.owner(bearerToken(ctx.req));

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
 * `POST /v1/command/vehicles/{vin}/commands` (also `/v1beta/...`): queues a command that then moves
 * REQUEST_QUEUED → RECEIVED_BY_DEVICE → result on the simulated clock; its effect lands on completion.
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
    const command = issueCommand(vehicle, parsed.data, now);
    return json(201, {
      id: command.id,
      vin: vehicle.vin,
      vehicleId: vehicle.vehicleId,
      type: command.type,
      wakeUp: command.wakeUp,
      properties: command.properties,
      tags: command.tags,
      currentStatus: 'REQUEST_QUEUED',
      statusReason: 'Command accepted',
      createdTime: isoAt(now),
      modifiedTime: isoAt(now),
      ...(parsed.data.version ? { version: parsed.data.version } : {}),
    });
  },
};
