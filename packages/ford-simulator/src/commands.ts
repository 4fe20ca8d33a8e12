import { randomUUID } from 'node:crypto';
import type { Vehicle } from './vehicles.ts';

/** Command types the simulator accepts; the first six have visible effects or are what adapters send. */
export const COMMAND_TYPES = [
  'lock',
  'unlock',
  'remoteStart',
  'cancelRemoteStart',
  'statusRefresh',
  'startPanicCue',
  'cancelPanicCue',
  'startGlobalCharge',
  'cancelGlobalCharge',
  'startRemoteClimateControl',
  'stopRemoteClimateControl',
] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

/** Final states a command can end in (read by clients from `states.<type>Command.value.toState`). */
export type CommandResult = 'SUCCESS' | 'COMMAND_FAILED_ON_DEVICE' | 'EXPIRED';
export type CommandState = 'REQUEST_QUEUED' | 'RECEIVED_BY_DEVICE' | CommandResult;

/** How long a remote start keeps the engine running, as the FordPass countdown shows. */
export const REMOTE_START_SECONDS = 900;

export interface CommandRecord {
  readonly id: string;
  readonly type: CommandType;
  readonly vin: string;
  readonly createdAt: number;
  /** When the device acknowledges; before it the command is REQUEST_QUEUED. */
  readonly receivedAt: number;
  /** When the command reaches `result`. */
  readonly completesAt: number;
  readonly result: CommandResult;
  readonly properties: Record<string, unknown>;
  readonly tags: Record<string, unknown>;
  readonly wakeUp: boolean;
  applied: boolean;
}

export interface CommandInput {
  type: CommandType;
  properties: Record<string, unknown>;
  tags: Record<string, unknown>;
  wakeUp: boolean;
}

export function issueCommand(vehicle: Vehicle, input: CommandInput, now: number): CommandRecord {
  const total = Math.max(0, vehicle.commandSeconds);
  const command: CommandRecord = {
    id: randomUUID(),
    type: input.type,
    vin: vehicle.vin,
    createdAt: now,
    receivedAt: now + Math.min(2, total),
    completesAt: now + total,
    result: vehicle.commandResult,
    properties: input.properties,
    tags: input.tags,
    wakeUp: input.wakeUp,
    applied: false,
  };
  vehicle.commands.push(command);
  return command;
}

export function commandState(command: CommandRecord, now: number): CommandState {
  if (now >= command.completesAt) return command.result;
  if (now >= command.receivedAt) return 'RECEIVED_BY_DEVICE';
  return 'REQUEST_QUEUED';
}

/** When the command's current state began, for its `updateTime`. */
export function commandStateSince(command: CommandRecord, now: number): number {
  if (now >= command.completesAt) return command.completesAt;
  if (now >= command.receivedAt) return command.receivedAt;
  return command.createdAt;
}

/**
 * Brings a vehicle up to simulated `now`: applies the effects of commands that have completed, in
 * order, and ends a remote start whose countdown ran out. Lazy, so no timers run in the server.
 */
export function settleVehicle(vehicle: Vehicle, now: number): void {
  for (const command of vehicle.commands) {
    if (command.applied || now < command.completesAt) continue;
    command.applied = true;
    if (command.result === 'SUCCESS') applyEffect(vehicle, command);
  }
  if (vehicle.remoteStartUntil !== undefined && now >= vehicle.remoteStartUntil) {
    vehicle.ignition = 'OFF';
    vehicle.updatedAt = vehicle.remoteStartUntil;
    vehicle.remoteStartUntil = undefined;
  }
  pruneCommands(vehicle);
}

function applyEffect(vehicle: Vehicle, command: CommandRecord): void {
  const at = command.completesAt;
  switch (command.type) {
    case 'lock':
      vehicle.lock = 'LOCKED';
      break;
    case 'unlock':
      vehicle.lock = 'UNLOCKED';
      break;
    case 'remoteStart':
      vehicle.ignition = 'RUN';
      vehicle.remoteStartUntil = at + REMOTE_START_SECONDS;
      break;
    case 'cancelRemoteStart':
      vehicle.ignition = 'OFF';
      vehicle.remoteStartUntil = undefined;
      break;
    default:
      // statusRefresh and the rest only make the car report fresh telemetry.
      break;
  }
  vehicle.updatedAt = Math.max(vehicle.updatedAt, at);
}

/** Keeps pending commands and the latest command of each type (what `states` shows); drops the rest. */
function pruneCommands(vehicle: Vehicle): void {
  const seen = new Set<string>();
  const kept: CommandRecord[] = [];
  for (let i = vehicle.commands.length - 1; i >= 0; i--) {
    const command = vehicle.commands[i]!;
    if (!command.applied || !seen.has(command.type)) kept.push(command);
    seen.add(command.type);
  }
  vehicle.commands = kept.reverse();
}

/** The latest command of each type, which Ford reports as `states["<type>Command"]`. */
export function latestCommands(vehicle: Vehicle): CommandRecord[] {
  const latest = new Map<string, CommandRecord>();
  for (const command of vehicle.commands) latest.set(command.type, command);
  return [...latest.values()];
}
