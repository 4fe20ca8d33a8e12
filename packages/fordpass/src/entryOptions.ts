import type { ConfigEntry } from '@configflow/core';
import { z } from 'zod';
import { DISTANCE_UNITS, type DistanceUnit, PRESSURE_UNITS, type PressureUnit } from './vehicleState.ts';

/**
 * Ford locks accounts that call too often (about 250 requests a day). One poll costs a status read,
 * often an Autonomic token exchange, and every half hour a refresh: 5 minutes is the floor, 15 the default.
 */
export const MIN_POLL_INTERVAL_S = 300;
export const DEFAULT_POLL_INTERVAL_S = 900;
export const MAX_POLL_INTERVAL_S = 86_400;

export const optionsSchema = z.object({
  pollInterval: z
    .number()
    .int()
    .min(MIN_POLL_INTERVAL_S)
    .max(MAX_POLL_INTERVAL_S)
    .default(DEFAULT_POLL_INTERVAL_S)
    .meta({ unit: 's', step: 60 }),
  pressureUnit: z
    .enum(PRESSURE_UNITS)
    .default('kPa')
    .meta({ options: PRESSURE_UNITS.map((u) => ({ value: u, label: u })) }),
  distanceUnit: z
    .enum(DISTANCE_UNITS)
    .default('km')
    .meta({ options: DISTANCE_UNITS.map((u) => ({ value: u, label: u })) }),
});

export interface EntryOptions {
  pollIntervalMs: number;
  pressure: PressureUnit;
  distance: DistanceUnit;
}

/**
 * The entry's options with the minimum enforced again here: options edited by hand (or stored by an
 * older version with a 30 s "minimum") must not make us poll faster than the floor.
 */
export function readOptions(entry: Pick<ConfigEntry, 'options'>): EntryOptions {
  const o = entry.options;
  const raw =
    typeof o.pollInterval === 'number' && Number.isFinite(o.pollInterval)
      ? o.pollInterval
      : DEFAULT_POLL_INTERVAL_S;
  const seconds = Math.min(MAX_POLL_INTERVAL_S, Math.max(MIN_POLL_INTERVAL_S, Math.round(raw)));
  const pressure = (PRESSURE_UNITS as readonly string[]).includes(String(o.pressureUnit))
    ? (o.pressureUnit as PressureUnit)
    : 'kPa';
  const distance = (DISTANCE_UNITS as readonly string[]).includes(String(o.distanceUnit))
    ? (o.distanceUnit as DistanceUnit)
    : 'km';
  return { pollIntervalMs: seconds * 1000, pressure, distance };
}
