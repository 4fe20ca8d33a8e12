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

/**
 * Foundational API errors: errorCode comes as "460" or 460 depending on the endpoint; 432 is
 * "Invalid ApplicationId". The TMC's 502 says `{ code, error, message }`.
 */
export const fordErrorResponse = z.object({
  message: z.string().optional(),
  errorCode: z.union([z.string(), z.number()]).optional(),
  error: z.string().optional(),
  code: z.union([z.string(), z.number()]).optional(),
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

/**
 * `states["<type>Command"]`: where a command's progress shows. Ford puts `commandId` beside `value`
 * and stamps the state with `timestamp` (marq24 issue #271); `value.commandId` and `updateTime` are
 * read as older variants. `toState` comes in upper or lower case (`SUCCESS`, `success`).
 */
export const commandStateEntry = z
  .object({
    commandId: z.string().optional(),
    timestamp: z.string().optional(),
    updateTime: z.string().optional(),
    value: z
      .object({
        toState: z.string(),
        fromState: z.string().optional(),
        commandId: z.string().optional(),
        data: z.unknown().optional(),
      })
      .loose(),
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

/**
 * The command-creation answer: Ford sends `id` (itchannel #330) with `createTime` and `expireTime`
 * (create + 90 s); marq24 also accepts `commandId` or `correlationId` for the id (bridge:2835).
 */
export const commandResponse = z
  .object({
    id: z.string().min(1).optional(),
    commandId: z.string().min(1).optional(),
    correlationId: z.string().min(1).optional(),
    createTime: z.string().optional(),
    expireTime: z.string().optional(),
  })
  .loose()
  .transform((r, ctx) => {
    const id = r.id ?? r.commandId ?? r.correlationId;
    if (id === undefined) {
      ctx.addIssue({ code: 'custom', message: 'no id, commandId or correlationId' });
      return z.NEVER;
    }
    return { ...r, id };
  });

export type TelemetryResponse = z.output<typeof telemetryResponse>;
export type VehiclesResponse = z.output<typeof vehiclesResponse>;
export type CatTokenResponse = z.output<typeof catTokenResponse>;
export type B2cTokenResponse = z.output<typeof b2cTokenResponse>;
export type CommandResponse = z.output<typeof commandResponse>;
