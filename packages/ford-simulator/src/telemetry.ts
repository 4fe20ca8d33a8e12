import { isoAt } from './clock.ts';
import { commandProgress, inCase, latestCommands, settleVehicle } from './commands.ts';
import { isElectric, type Vehicle, WHEELS } from './vehicles.ts';

type Metric = Record<string, unknown>;

/**
 * Renders the Autonomic telemetry document for a vehicle at simulated `now`, in Ford's shape:
 * `{ metrics, states, events, updateTime, vin, vehicleId }`, every metric in the
 * `{ value, updateTime, oemCorrelationId, tags }` envelope. `include` keeps only the named metrics,
 * as the app's `:query` call with `includeMetrics` asks.
 */
export function renderTelemetry(
  vehicle: Vehicle,
  now: number,
  include?: readonly string[],
): Record<string, unknown> {
  settleVehicle(vehicle, now);
  const updateTime = isoAt(vehicle.updatedAt);
  const correlation = `${vehicle.vin.slice(-6)}-${Math.floor(vehicle.updatedAt).toString(16)}`;
  const metric = (
    value: unknown,
    extra: Record<string, unknown> = {},
    tags: Record<string, unknown> = {},
  ) => ({
    ...extra,
    value,
    updateTime,
    oemCorrelationId: correlation,
    tags,
  });

  const metrics: Record<string, unknown> = {
    odometer: metric(vehicle.odometerKm),
    batteryStateOfCharge: metric(vehicle.battery12vPercent),
    batteryVoltage: metric(12.6),
    batteryLoadStatus: metric('NORMAL'),
    doorLockStatus: doorLocks(vehicle, metric),
    doorStatus: [
      metric('CLOSED', {
        vehicleDoor: 'UNSPECIFIED_FRONT',
        vehicleOccupantRole: 'DRIVER',
        vehicleSide: 'DRIVER',
      }),
      metric('CLOSED', {
        vehicleDoor: 'UNSPECIFIED_FRONT',
        vehicleOccupantRole: 'PASSENGER',
        vehicleSide: 'PASSENGER',
      }),
      metric('CLOSED', {
        vehicleDoor: 'UNSPECIFIED_REAR',
        vehicleOccupantRole: 'PASSENGER',
        vehicleSide: 'DRIVER',
      }),
      metric('CLOSED', {
        vehicleDoor: 'UNSPECIFIED_REAR',
        vehicleOccupantRole: 'PASSENGER',
        vehicleSide: 'PASSENGER',
      }),
      metric('CLOSED', { vehicleDoor: 'TAILGATE', vehicleOccupantRole: 'UNKNOWN', vehicleSide: 'UNKNOWN' }),
    ],
    hoodStatus: metric('CLOSED'),
    windowStatus: ['DRIVER', 'PASSENGER'].flatMap((side) =>
      ['UNSPECIFIED_FRONT', 'UNSPECIFIED_REAR'].map((window) =>
        metric(
          { doubleRange: { lowerBound: 0, upperBound: 0 } },
          { vehicleWindow: window, vehicleSide: side },
        ),
      ),
    ),
    tirePressure: WHEELS.map((wheel) => metric(vehicle.tirePressureKpa[wheel], { vehicleWheel: wheel })),
    tirePressureStatus: [metric('NORMAL', { vehicleWheel: 'ALL_WHEELS' })],
    position: metric({
      location: { lat: vehicle.position.lat, lon: vehicle.position.lon, alt: 180 },
      gpsDimension: '3D',
      gpsCoordinateMethod: 'UNKNOWN',
    }),
    compassDirection: metric('NORTH'),
    heading: metric({ heading: 0, uncertainty: 0, detectionType: 'HEADING_DETECTION_TYPE_UNKNOWN' }),
    ignitionStatus: metric(vehicle.ignition),
    alarmStatus: metric('ARMED'),
    panicAlarmStatus: metric('NOT_ACTIVE'),
    oilLifeRemaining: metric(84),
    outsideTemperature: metric(18.5),
    ambientTemp: metric(19),
    speed: metric(0),
    indicators: {
      lowTirePressure: metric(false),
      oilLifeWarning: metric(false),
      serviceSteering: metric(false),
    },
    configurations: {
      automaticSoftwareUpdateOptInSetting: metric('ON'),
    },
    customMetrics: {},
  };
  if (vehicle.engineType !== 'BEV') {
    metrics.fuelLevel = metric(vehicle.fuelLevelPercent);
    metrics.fuelRange = metric(vehicle.fuelRangeKm);
  }
  if (isElectric(vehicle.engineType)) {
    metrics.xevBatteryStateOfCharge = metric(vehicle.batteryStateOfChargePercent);
    metrics.xevBatteryRange = metric(vehicle.batteryRangeKm);
    metrics.xevPlugChargerStatus = metric('DISCONNECTED');
    metrics.xevBatteryChargeDisplayStatus = metric('NOT_READY');
    metrics.xevBatteryChargerCurrentOutput = metric(0);
    metrics.xevBatteryChargerVoltageOutput = metric(0);
    metrics.xevBatteryIoCurrent = metric(0);
    metrics.xevBatteryTimeToFullCharge = metric(0);
    metrics.xevChargeStationCommunicationStatus = metric('NONE');
    metrics.xevChargeStationPowerType = metric('NONE');
  } else if (/diesel|tdci|ecoblue/i.test(vehicle.model)) {
    metrics.dieselExhaustFluidLevelRangeRemaining = metric(4200);
  }
  if (vehicle.remoteStartUntil !== undefined) {
    metrics.remoteStartCountdownTimer = metric(Math.max(0, Math.ceil(vehicle.remoteStartUntil - now)));
  }

  const precluded = vehicle.deepSleep;
  const states: Record<string, unknown> = {
    commandPreclusion: {
      timestamp: updateTime,
      value: {
        toState: precluded ? 'COMMANDS_PRECLUDED' : 'COMMANDS_PERMITTED',
        fromState: 'COMMANDS_PERMITTED',
        data: {
          commandPreclusionCauses: {
            deepSleepCommandPreclusionState: precluded
              ? 'COMMANDS_PRECLUDED_BY_DEEP_SLEEP'
              : 'NO_COMMANDS_PRECLUDED_BY_DEEP_SLEEP',
            firmwareUpgradeCommandPreclusionState: 'NO_COMMANDS_PRECLUDED_BY_FIRMWARE_UPGRADE',
          },
        },
      },
      tags: {},
    },
  };
  for (const command of latestCommands(vehicle)) {
    const progress = commandProgress(command, now);
    const value: Record<string, unknown> = {
      fromState: inCase(progress.fromState, command.stateCase),
      toState: inCase(progress.toState, command.stateCase),
      oemData: {},
    };
    if (progress.toState === 'COMMAND_FAILED_ON_DEVICE') {
      value.data = { commandError: { commandExecutionFailure: { oemErrorCode: 'SIM_DEVICE_FAILURE' } } };
    }
    // Ford's shape (m#271): commandId beside value, never inside it; `timestamp`, not `updateTime`.
    states[`${command.type}Command`] = {
      timestamp: isoAt(progress.since),
      commandId: command.id,
      value,
      message: `${command.type} ${inCase(progress.toState, command.stateCase)}`,
      version: command.version,
      tags: { ...command.tags, tmcArrivalTimestamp: isoAt(command.createdAt) },
    };
  }

  const selected =
    include === undefined
      ? metrics
      : Object.fromEntries(Object.entries(metrics).filter(([name]) => include.includes(name)));
  return {
    updateTime,
    vehicleId: vehicle.vehicleId,
    vin: vehicle.vin,
    metrics: selected,
    states,
    events: {},
  };
}

/**
 * Per-door lock entries as Ford sends them (marq24 fordpass_handler.py:343-420): doors with
 * `vehicleOccupantRole`, mechanical latches reporting UNKNOWN, and ALL_DOORS somewhere in the list,
 * not first. `per-door` is the other layout seen: four doors, no ALL_DOORS summary.
 */
function doorLocks(
  vehicle: Vehicle,
  metric: (value: unknown, extra?: Metric, tags?: Metric) => Metric,
): Metric[] {
  const lock = vehicle.lock;
  if (vehicle.doorLockLayout === 'per-door') {
    return WHEELS.map((door) => metric(lock, { vehicleDoor: door, determinationMethod: 'ACTUAL' }));
  }
  const mechanical = { DOOR_LATCH_TYPE: 'MECHANICAL' };
  return [
    metric(
      'UNKNOWN',
      { vehicleDoor: 'TAILGATE', vehicleOccupantRole: 'UNKNOWN', vehicleSide: 'UNKNOWN' },
      mechanical,
    ),
    metric(lock, { vehicleDoor: 'ALL_DOORS' }),
    metric(lock, { vehicleDoor: 'UNSPECIFIED_FRONT', vehicleOccupantRole: 'DRIVER', vehicleSide: 'DRIVER' }),
  ];
}
