import { isoAt } from './clock.ts';
import { commandState, commandStateSince, latestCommands, settleVehicle } from './commands.ts';
import { isElectric, type Vehicle, WHEELS } from './vehicles.ts';

/**
 * Renders the Autonomic telemetry document for a vehicle at simulated `now`, in Ford's shape:
 * `{ metrics, states, events, updateTime, vin, vehicleId }`, every metric in the
 * `{ value, updateTime, oemCorrelationId, tags }` envelope.
 */
export function renderTelemetry(vehicle: Vehicle, now: number): Record<string, unknown> {
  settleVehicle(vehicle, now);
  const updateTime = isoAt(vehicle.updatedAt);
  const correlation = `${vehicle.vin.slice(-6)}-${Math.floor(vehicle.updatedAt).toString(16)}`;
  const metric = (value: unknown, extra: Record<string, unknown> = {}) => ({
    ...extra,
    value,
    updateTime,
    oemCorrelationId: correlation,
    tags: {},
  });

  const metrics: Record<string, unknown> = {
    odometer: metric(vehicle.odometerKm),
    batteryStateOfCharge: metric(vehicle.battery12vPercent),
    batteryVoltage: metric(12.6),
    doorLockStatus: [metric(vehicle.lock, { vehicleDoor: 'ALL_DOORS', vehicleSide: 'ALL' })],
    doorStatus: [metric('CLOSED', { vehicleDoor: 'ALL_DOORS' })],
    hoodStatus: metric('CLOSED'),
    tirePressure: WHEELS.map((wheel) => metric(vehicle.tirePressureKpa[wheel], { vehicleWheel: wheel })),
    tirePressureStatus: [metric('NORMAL', { vehicleWheel: 'ALL_WHEELS' })],
    position: metric({
      location: { lat: vehicle.position.lat, lon: vehicle.position.lon, alt: 180 },
      gpsDimension: '3D',
      gpsCoordinateMethod: 'UNKNOWN',
    }),
    compassDirection: metric('NORTH'),
    ignitionStatus: metric(vehicle.ignition),
    alarmStatus: metric('ARMED'),
    oilLifeRemaining: metric(84),
    outsideTemperature: metric(18.5),
    speed: metric(0),
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
  }
  if (vehicle.remoteStartUntil !== undefined) {
    metrics.remoteStartCountdownTimer = metric(Math.max(0, Math.ceil(vehicle.remoteStartUntil - now)));
  }

  const states: Record<string, unknown> = {
    commandPreclusion: {
      value: { toState: 'COMMANDS_PERMITTED', fromState: 'COMMANDS_PERMITTED' },
      updateTime,
      oemCorrelationId: correlation,
      tags: {},
    },
  };
  for (const command of latestCommands(vehicle)) {
    const toState = commandState(command, now);
    const value: Record<string, unknown> = {
      toState,
      commandId: command.id,
      commandType: command.type,
      wakeUp: command.wakeUp,
      createdTime: isoAt(command.createdAt),
    };
    if (toState === 'COMMAND_FAILED_ON_DEVICE') {
      value.data = { commandError: { commandExecutionFailure: { oemErrorCode: 'SIM_DEVICE_FAILURE' } } };
    }
    states[`${command.type}Command`] = {
      value,
      updateTime: isoAt(commandStateSince(command, now)),
      oemCorrelationId: command.id,
      tags: command.tags,
    };
  }

  return {
    updateTime,
    vehicleId: vehicle.vehicleId,
    vin: vehicle.vin,
    metrics,
    states,
    events: {},
  };
}
