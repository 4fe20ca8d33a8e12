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

/**
 * Final states a command can end in (read by clients from `states.<type>Command.value.toState`). Ford
 * reports success as `SUCCESS` or, for on-device commands, `COMMAND_SUCCEEDED_ON_DEVICE` (m#271).
 */
export type CommandResult =
  | 'SUCCESS'
  | 'COMMAND_SUCCEEDED_ON_DEVICE'
  | 'COMMAND_FAILED_ON_DEVICE'
  | 'EXPIRED';
/** What a vehicle does with the next commands: end in a result, or never answer (EXPIRED at expireTime). */
export type CommandOutcomeSetting = CommandResult | 'NO_RESPONSE';
export type CommandState =
  | 'REQUEST_QUEUED'
  | 'RECEIVED_BY_DEVICE'
  | 'COMMAND_IN_PROGRESS_ON_DEVICE'
  | CommandResult;
/** Ford writes the states in upper case on some paths and in lower case on others (m#271). */
export type StateCase = 'upper' | 'lower';

const SUCCESSES: ReadonlySet<CommandResult> = new Set(['SUCCESS', 'COMMAND_SUCCEEDED_ON_DEVICE']);

/** How long a remote start keeps the engine running, as the FordPass countdown shows. */
export const REMOTE_START_SECONDS = 900;

export interface CommandRecord {
  readonly id: string;
  readonly type: CommandType;
  readonly vin: string;
  readonly createdAt: number;
  /** When the device acknowledges; before it the command is REQUEST_QUEUED. Infinity: never. */
  readonly receivedAt: number;
  /** When the command reaches `result`. */
  readonly completesAt: number;
  /** Ford's `expireTime`: a command the car has not finished by then is EXPIRED. */
  readonly expiresAt: number;
  readonly result: CommandResult;
  readonly stateCase: StateCase;
  readonly properties: Record<string, unknown>;
  readonly tags: Record<string, unknown>;
  readonly wakeUp: boolean;
  readonly version: string;
  applied: boolean;
}

export interface CommandInput {
  type: CommandType;
  properties: Record<string, unknown>;
  tags: Record<string, unknown>;
  wakeUp: boolean;
  version?: string | undefined;
}

export function issueCommand(
  vehicle: Vehicle,
  input: CommandInput,
  now: number,
  expireSeconds: number,
): CommandRecord {
  const total = Math.max(0, vehicle.commandSeconds);
  const expiresAt = now + expireSeconds;
  // A car in deep sleep (or set to NO_RESPONSE) never picks the command up.
  const silent = vehicle.commandResult === 'NO_RESPONSE' || vehicle.deepSleep;
  const late = now + total > expiresAt;
  const command: CommandRecord = {
    id: randomUUID(),
    type: input.type,
    vin: vehicle.vin,
    createdAt: now,
    receivedAt: silent ? Number.POSITIVE_INFINITY : now + Math.min(2, total),
    completesAt: silent || late ? expiresAt : now + total,
    expiresAt,
    result: silent || late ? 'EXPIRED' : (vehicle.commandResult as CommandResult),
    stateCase: vehicle.stateCase,
    properties: input.properties,
    tags: input.tags,
    wakeUp: input.wakeUp,
    version: input.version ?? '1.0.0',
    applied: false,
  };
  vehicle.commands.push(command);
  return command;
}

/** The command's state at `now`, the state before it, and since when it holds (upper case). */
export function commandProgress(
  command: CommandRecord,
  now: number,
): { toState: CommandState; fromState: CommandState; since: number } {
  const middle: CommandState = command.result.endsWith('_ON_DEVICE')
    ? 'COMMAND_IN_PROGRESS_ON_DEVICE'
    : 'RECEIVED_BY_DEVICE';
  if (now >= command.completesAt) {
    const fromState = command.receivedAt <= command.completesAt ? middle : 'REQUEST_QUEUED';
    return { toState: command.result, fromState, since: command.completesAt };
  }
  if (now >= command.receivedAt)
    return { toState: middle, fromState: 'REQUEST_QUEUED', since: command.receivedAt };
  return { toState: 'REQUEST_QUEUED', fromState: 'REQUEST_QUEUED', since: command.createdAt };
}

export function commandState(command: CommandRecord, now: number): CommandState {
  return commandProgress(command, now).toState;
}

/** A state as the command's vehicle writes it (`SUCCESS` or `success`). */
export function inCase(state: string, stateCase: StateCase): string {
  return stateCase === 'lower' ? state.toLowerCase() : state;
}

/**
 * Brings a vehicle up to simulated `now`: applies the effects of commands that have completed, in
 * order, and ends a remote start whose countdown ran out. Lazy, so no timers run in the server.
 */
export function settleVehicle(vehicle: Vehicle, now: number): void {
  for (const command of vehicle.commands) {
    if (command.applied || now < command.completesAt) continue;
    command.applied = true;
    if (SUCCESSES.has(command.result)) applyEffect(vehicle, command);
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
