import type { Account } from '../accounts.ts';
import { header, json, type SimResponse } from '../http.ts';
import type { FordRoute, RequestContext } from '../route.ts';
import { isElectric, normalizeVin, type Vehicle } from '../vehicles.ts';
import { applicationIdProblem, fordError } from './fordErrors.ts';

/*
 * The Ford-plane reads besides the vehicle list, all with `auth-token: <CAT access>` and
 * `Application-Id`: the garage (pyfordpass), and the minimal message-center, climate-profile and
 * EV-charging answers marq24 polls (fordpass_bridge.py:1637, 1858, 1941, 2088). Their contents are
 * empty on purpose: enough for a client not to count a communication error on every cycle.
 */

type CatHandler = (ctx: RequestContext, account: Account) => SimResponse;

function catRoute(name: FordRoute['name'], method: string, pattern: RegExp, handle: CatHandler): FordRoute {
  return {
    kind: 'ford',
    name,
    methods: [method],
    pattern,
    identify: (ctx) => ctx.sim.tokens.owner(header(ctx.req, 'auth-token')),
    handle: (ctx) => {
      const check = ctx.sim.tokens.check(header(ctx.req, 'auth-token'), 'cat-access');
      if (!check.ok)
        return fordError(ctx, 401, 'Unauthorized: missing, invalid or expired auth-token', '401');
      const appIdProblem = applicationIdProblem(ctx, check.account);
      if (appIdProblem) return appIdProblem;
      return handle(ctx, check.account);
    },
  };
}

function accountVehicles(ctx: RequestContext, account: Account): Vehicle[] {
  return account.vins.flatMap((vin) => {
    const vehicle = ctx.sim.vehicles.get(vin);
    return vehicle ? [vehicle] : [];
  });
}

/** The vehicle named by the `vin` header, if it is on the account; else Ford's 403. */
function headerVehicle(ctx: RequestContext, account: Account): Vehicle | SimResponse {
  const vin = header(ctx.req, 'vin');
  const vehicle = vin && account.vins.includes(normalizeVin(vin)) ? ctx.sim.vehicles.get(vin) : undefined;
  if (vehicle) return vehicle;
  return json(403, {
    error: 'FORBIDDEN',
    message: `Caller is NOT AUTHORIZED TO PERFORM this action on vehicle ${vin ?? ''}`,
  });
}

const display = (on: boolean) => (on ? 'Display' : 'NoDisplay');

/** `GET /api/fpcpl-user-garage-service/v1/user/garage` (pyfordpass `list_garage`, sansio.py:1216). */
const garage = catRoute(
  'garage',
  'GET',
  /^\/api\/fpcpl-user-garage-service\/v1\/user\/garage\/?$/,
  (ctx, account) => {
    const vehicles = accountVehicles(ctx, account).map((vehicle) => ({
      vin: vehicle.vin,
      nickName: vehicle.nickName,
      userAuthStatus: 'AUTHORIZED',
      profile: { year: vehicle.year, make: 'Ford', model: vehicle.model, engineType: vehicle.engineType },
      capabilities: {
        remoteLock: display(true),
        remoteStart: display(true),
        extendRemoteStart: true,
        displayPreferredChargeTimes: display(isElectric(vehicle.engineType)),
        globalStartStopCharge: display(isElectric(vehicle.engineType)),
      },
    }));
    return json(200, ctx.sim.config.garageShape === 'wrapped' ? { vehicles } : vehicles);
  },
);

/** `GET /api/messagecenter/v3/messages`: marq24 reads `result.messages`. */
const messages = catRoute('messages', 'GET', /^\/api\/messagecenter\/v3\/messages\/?$/, () =>
  json(200, { result: { messages: [] } }),
);

/** `POST /api/rcc/profile/status`: the remote-climate profiles of a BEV. */
const rccProfile = catRoute('rccProfile', 'POST', /^\/api\/rcc\/profile\/status\/?$/, () =>
  json(200, { rccUserProfiles: [] }),
);

/** `GET /api/electrification/experiences/v2/vehicles/preferred-charge-times` with a `vin` header. */
const chargeTimes = catRoute(
  'chargeTimes',
  'GET',
  /^\/api\/electrification\/experiences\/v2\/vehicles\/preferred-charge-times\/?$/,
  (ctx, account) => {
    const vehicle = headerVehicle(ctx, account);
    return 'status' in vehicle ? vehicle : json(200, []);
  },
);

/** `GET /api/electrification/experiences/v2/devices/energy-transfer-logs?maxRecords=N` (`deviceId` header). */
const chargeLogs = catRoute(
  'chargeLogs',
  'GET',
  /^\/api\/electrification\/experiences\/v2\/devices\/energy-transfer-logs\/?$/,
  () => json(200, { energyTransferLogs: [] }),
);

export const garageRoutes: FordRoute[] = [garage, messages, rccProfile, chargeTimes, chargeLogs];
