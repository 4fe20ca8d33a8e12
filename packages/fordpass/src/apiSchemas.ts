import { z } from 'zod';

/*
 * Ford's responses, as far as we read them. Unknown fields pass (Ford adds fields all the time); a
 * missing or retyped field we rely on fails the parse, which the client reports as ApiChanged.
 */

export const b2cTokenResponse = z.object({
  access_token: z.string().min(1),
  id_token: z.string().min(1).optional(),
  refresh_token: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
});

/** Azure B2C errors: `error` plus a description that starts with the AADB2C code. */
export const b2cErrorResponse = z.object({
  error: z.string().optional(),
  error_description: z.string().optional(),
  message: z.string().optional(),
});

export const catTokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  refresh_expires_in: z.coerce.number().positive().optional(),
});

/** Foundational API errors: errorCode comes as "460" or 460 depending on the endpoint. */
export const fordErrorResponse = z.object({
  message: z.string().optional(),
  errorCode: z.union([z.string(), z.number()]).optional(),
  error: z.string().optional(),
});

export const autonomicTokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
});

export const vehiclesResponse = z.object({
  userVehicles: z.object({
    vehicleDetails: z.array(z.object({ VIN: z.string().min(1), nickName: z.string().nullish() })),
  }),
  vehicleProfile: z
    .array(
      z.object({
        VIN: z.string().min(1),
        year: z.coerce.number().nullish(),
        model: z.string().nullish(),
        engineType: z.string().nullish(),
      }),
    )
    .nullish(),
});

/** One metric: `{ value, updateTime, oemCorrelationId, tags }` plus per-metric extras (vehicleWheel…). */
export const metricEnvelope = <T extends z.ZodType, X extends z.ZodRawShape = {}>(value: T, extra?: X) =>
  z.object({ value, updateTime: z.string().optional(), ...(extra as X) }).loose();

const numberMetric = metricEnvelope(z.number());
const stringMetric = metricEnvelope(z.string());

export const telemetryMetrics = z
  .object({
    odometer: numberMetric.optional(),
    fuelLevel: numberMetric.optional(),
    fuelRange: numberMetric.optional(),
    xevBatteryStateOfCharge: numberMetric.optional(),
    xevBatteryRange: numberMetric.optional(),
    xevPlugChargerStatus: stringMetric.optional(),
    batteryStateOfCharge: numberMetric.optional(),
    batteryVoltage: numberMetric.optional(),
    doorLockStatus: z
      .array(metricEnvelope(z.string()).and(z.object({ vehicleDoor: z.string().optional() })))
      .optional(),
    tirePressure: z.array(metricEnvelope(z.number()).and(z.object({ vehicleWheel: z.string() }))).optional(),
    position: metricEnvelope(
      z.object({ location: z.object({ lat: z.number(), lon: z.number() }).loose() }).loose(),
    ).optional(),
    ignitionStatus: stringMetric.optional(),
    alarmStatus: stringMetric.optional(),
    outsideTemperature: numberMetric.optional(),
  })
  .loose();

/** `states["<type>Command"]`: where a command's progress shows. */
export const commandStateEntry = z
  .object({
    value: z
      .object({
        toState: z.string(),
        commandId: z.string().optional(),
        data: z.unknown().optional(),
      })
      .loose(),
    updateTime: z.string().optional(),
  })
  .loose();

export const telemetryResponse = z
  .object({
    vin: z.string().optional(),
    updateTime: z.string().optional(),
    metrics: telemetryMetrics,
    states: z.record(z.string(), z.unknown()).default({}),
  })
  .loose();

export const commandResponse = z.object({ id: z.string().min(1) }).loose();

export type TelemetryResponse = z.output<typeof telemetryResponse>;
export type VehiclesResponse = z.output<typeof vehiclesResponse>;
export type CatTokenResponse = z.output<typeof catTokenResponse>;
export type B2cTokenResponse = z.output<typeof b2cTokenResponse>;
