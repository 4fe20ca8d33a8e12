import type { Json } from '@configflow/core';
import type { TelemetryResponse } from './apiSchemas.ts';

export type LockState = 'LOCKED' | 'DOUBLE_LOCKED' | 'UNLOCKED' | 'UNKNOWN';
export const PRESSURE_UNITS = ['kPa', 'PSI', 'BAR'] as const;
export type PressureUnit = (typeof PRESSURE_UNITS)[number];
export const DISTANCE_UNITS = ['km', 'mi'] as const;
export type DistanceUnit = (typeof DISTANCE_UNITS)[number];

/** What the entities show, in Ford's own units (km, kPa, percent); `null` when the car does not report it. */
export interface VehicleState {
  updatedAt: string | null;
  odometerKm: number | null;
  fuel: { levelPercent: number | null; rangeKm: number | null } | null;
  battery: { stateOfChargePercent: number | null; rangeKm: number | null; plug: string | null } | null;
  /** The 12 V battery. */
  auxBattery: { percent: number | null; voltage: number | null };
  lock: LockState;
  /** kPa per wheel (`FRONT_LEFT`…). */
  tyresKpa: Record<string, number>;
  location: { lat: number; lon: number } | null;
  ignition: string | null;
  alarm: string | null;
  outsideTemperatureC: number | null;
}

const LOCKS = new Set<LockState>(['LOCKED', 'DOUBLE_LOCKED', 'UNLOCKED']);

/**
 * The car's lock state from Ford's per-door entries. ALL_DOORS, the car's own summary, wins wherever
 * it is in the list (it is not necessarily first: reading `[0]` was itchannel's bug, i#544). Without
 * it, doors that cannot tell (UNKNOWN, NO_LOCKABLE_DEVICE, mechanical latches) are skipped, any
 * unlocked door means unlocked, and the rest locked means locked. Values are compared in upper case.
 */
export function lockStateOf(
  doors: readonly { value: string; vehicleDoor?: string | undefined; tags?: unknown }[],
): LockState {
  const upper = (value: string | undefined) => (value ?? '').toUpperCase();
  const all = doors.find((d) => upper(d.vehicleDoor) === 'ALL_DOORS');
  if (all) return LOCKS.has(upper(all.value) as LockState) ? (upper(all.value) as LockState) : 'UNKNOWN';
  const known = doors.filter((d) => {
    const latch = (d.tags as { DOOR_LATCH_TYPE?: unknown } | undefined)?.DOOR_LATCH_TYPE;
    return LOCKS.has(upper(d.value) as LockState) && latch !== 'MECHANICAL';
  });
  if (known.length === 0) return 'UNKNOWN';
  if (known.some((d) => upper(d.value) === 'UNLOCKED')) return 'UNLOCKED';
  return known.every((d) => upper(d.value) === 'DOUBLE_LOCKED') ? 'DOUBLE_LOCKED' : 'LOCKED';
}

/** The metrics envelope, flattened into the typed state (the schema already checked the types). */
export function vehicleStateFrom(telemetry: TelemetryResponse): VehicleState {
  const m = telemetry.metrics;
  const hasFuel = m.fuelLevel !== undefined || m.fuelRange !== undefined;
  const hasBattery = m.xevBatteryStateOfCharge !== undefined || m.xevBatteryRange !== undefined;
  const lock = lockStateOf(m.doorLockStatus ?? []);
  const tyresKpa: Record<string, number> = {};
  for (const tyre of m.tirePressure ?? []) tyresKpa[tyre.vehicleWheel] = tyre.value;
  const location = m.position?.value.location;
  return {
    updatedAt: telemetry.updateTime ?? null,
    odometerKm: m.odometer?.value ?? null,
    fuel: hasFuel ? { levelPercent: m.fuelLevel?.value ?? null, rangeKm: m.fuelRange?.value ?? null } : null,
    battery: hasBattery
      ? {
          stateOfChargePercent: m.xevBatteryStateOfCharge?.value ?? null,
          rangeKm: m.xevBatteryRange?.value ?? null,
          plug: m.xevPlugChargerStatus?.value ?? null,
        }
      : null,
    auxBattery: { percent: m.batteryStateOfCharge?.value ?? null, voltage: m.batteryVoltage?.value ?? null },
    lock,
    tyresKpa,
    location: location ? { lat: location.lat, lon: location.lon } : null,
    ignition: m.ignitionStatus?.value ?? null,
    alarm: m.alarmStatus?.value ?? null,
    outsideTemperatureC: m.outsideTemperature?.value ?? null,
  };
}

const KM_PER_MILE = 1.609344;
const KPA_PER_PSI = 6.894757;
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

export function convertDistance(km: number | null, unit: DistanceUnit): number | null {
  if (km === null) return null;
  return unit === 'mi' ? round(km / KM_PER_MILE, 1) : round(km, 1);
}

export function convertPressure(kpa: number, unit: PressureUnit): number {
  if (unit === 'PSI') return round(kpa / KPA_PER_PSI, 1);
  if (unit === 'BAR') return round(kpa / 100, 2);
  return round(kpa, 0);
}

/** The state in the user's units, as the poll result (JSON) the runtime hands to entities. */
export function displayState(
  state: VehicleState,
  units: { pressure: PressureUnit; distance: DistanceUnit },
): Json {
  const tyres: Record<string, number> = {};
  for (const [wheel, kpa] of Object.entries(state.tyresKpa))
    tyres[wheel] = convertPressure(kpa, units.pressure);
  return {
    updatedAt: state.updatedAt,
    units: { pressure: units.pressure, distance: units.distance },
    odometer: convertDistance(state.odometerKm, units.distance),
    fuel: state.fuel && {
      levelPercent: state.fuel.levelPercent,
      range: convertDistance(state.fuel.rangeKm, units.distance),
    },
    battery: state.battery && {
      stateOfChargePercent: state.battery.stateOfChargePercent,
      range: convertDistance(state.battery.rangeKm, units.distance),
      plug: state.battery.plug,
    },
    auxBattery: { ...state.auxBattery },
    lock: state.lock,
    tyres,
    location: state.location && { ...state.location },
    ignition: state.ignition,
    alarm: state.alarm,
    outsideTemperatureC: state.outsideTemperatureC,
  };
}
