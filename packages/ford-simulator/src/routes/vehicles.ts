import { header } from '../http.ts';
import type { FordRoute } from '../route.ts';
import { isElectric } from '../vehicles.ts';
import { applicationIdProblem, badRequest, fordError } from './fordErrors.ts';

/**
 * `POST /api/expdashboard/v1/details/` (auth-token: CAT access token): the account's garage, as
 * `userVehicles.vehicleDetails[]` plus `vehicleProfile[]`. Ford answers 207 (itchannel accepts only
 * that, fordpass_new.py:518); `vehicleListStatus: 200` serves the other variant.
 */
export const vehiclesRoute: FordRoute = {
  kind: 'ford',
  name: 'vehicles',
  methods: ['POST'],
  pattern: /^\/api\/expdashboard\/v1\/details\/?$/,
  identify: (ctx) => ctx.sim.tokens.owner(header(ctx.req, 'auth-token')),
  handle: (ctx) => {
    const check = ctx.sim.tokens.check(header(ctx.req, 'auth-token'), 'cat-access');
    if (!check.ok) return fordError(ctx, 401, 'Unauthorized: missing, invalid or expired auth-token', '401');
    const appIdProblem = applicationIdProblem(ctx, check.account);
    if (appIdProblem) return appIdProblem;
    const body = ctx.json();
    if (!body.ok || typeof body.value !== 'object' || body.value === null) {
      return badRequest(ctx, 'Body must be JSON such as {"dashboardRefreshRequest":"All"}');
    }
    const vehicles = check.account.vins.flatMap((vin) => {
      const vehicle = ctx.sim.vehicles.get(vin);
      return vehicle ? [vehicle] : [];
    });
    return {
      status: ctx.sim.config.vehicleListStatus,
      json: {
        userVehicles: {
          vehicleDetails: vehicles.map((vehicle) => ({
            VIN: vehicle.vin,
            nickName: vehicle.nickName,
            tcuEnabled: true,
            isASDN: false,
          })),
        },
        vehicleProfile: vehicles.map((vehicle) => ({
          VIN: vehicle.vin,
          year: vehicle.year,
          make: 'Ford',
          model: vehicle.model,
          nickName: vehicle.nickName,
          engineType: vehicle.engineType,
          fuelType: vehicle.engineType === 'BEV' ? 'E' : vehicle.engineType === 'PHEV' ? 'P' : 'G',
          showEVBatteryLevel: isElectric(vehicle.engineType),
          remoteStart: true,
          remoteClimateControl: isElectric(vehicle.engineType),
          remoteHeatingCooling: false,
        })),
      },
    };
  },
};
