import { randomUUID } from 'node:crypto';
import type { CommandOutcomeSetting, CommandRecord, StateCase } from './commands.ts';

export type EngineType = 'ICE' | 'HEV' | 'PHEV' | 'BEV';
export type LockState = 'LOCKED' | 'UNLOCKED';
export type Wheel = 'FRONT_LEFT' | 'FRONT_RIGHT' | 'REAR_LEFT' | 'REAR_RIGHT';
export const WHEELS: readonly Wheel[] = ['FRONT_LEFT', 'FRONT_RIGHT', 'REAR_LEFT', 'REAR_RIGHT'];

export interface VehicleSpec {
  vin: string;
  model: string;
  year: number;
  nickName?: string;
  engineType?: EngineType;
}

/**
 * One physical car. It is shared by every account that lists its VIN (a shared-driver account sees the
 * same locks), and it changes only when commands complete or the control API edits it.
 */
export interface Vehicle {
  readonly vin: string;
  readonly vehicleId: string;
  /** The modem's id, Ford's `target.deviceId` in a command answer. */
  readonly deviceId: string;
  readonly model: string;
  readonly year: number;
  readonly nickName: string;
  readonly engineType: EngineType;
  odometerKm: number;
  fuelLevelPercent: number;
  fuelRangeKm: number;
  batteryStateOfChargePercent: number;
  batteryRangeKm: number;
  battery12vPercent: number;
  lock: LockState;
  tirePressureKpa: Record<Wheel, number>;
  position: { lat: number; lon: number };
  ignition: 'OFF' | 'RUN';
  /** Simulated epoch second until which a remote start keeps the engine running. */
  remoteStartUntil: number | undefined;
  /** Simulated epoch second of the last telemetry update (status refresh, command effect, edit). */
  updatedAt: number;
  /** Outcome the next commands end in; lets tests script failing, expiring or unanswered commands. */
  commandResult: CommandOutcomeSetting;
  /** Case the car writes command states in (`SUCCESS` or `success`; Ford shows both). */
  stateCase: StateCase;
  /** Deep sleep: `commandPreclusion` says so, and commands are never picked up (they expire). */
  deepSleep: boolean;
  /** `with-all-doors` (ALL_DOORS among per-door entries, not first) or `per-door` (no summary). */
  doorLockLayout: 'with-all-doors' | 'per-door';
  /** Simulated seconds from a command's creation to its final state. */
  commandSeconds: number;
  /** Commands in creation order; effects apply in that order once each completes. */
  commands: CommandRecord[];
}

const BEV_MODELS = /mach-?e|lightning|e-?transit|explorer ev|capri|gen-?e|\bev\b/i;
const PHEV_MODELS = /phev|plug-?in/i;
const HEV_MODELS = /hybrid|\bhev\b/i;

/** Guesses the drivetrain from the model name so the common cases need no extra field. */
export function inferEngineType(model: string): EngineType {
  if (PHEV_MODELS.test(model)) return 'PHEV';
  if (BEV_MODELS.test(model)) return 'BEV';
  if (HEV_MODELS.test(model)) return 'HEV';
  return 'ICE';
}

export function isElectric(engineType: EngineType): boolean {
  return engineType === 'BEV' || engineType === 'PHEV';
}

export function normalizeVin(vin: string): string {
  return vin.trim().toUpperCase();
}

export class VehicleStore {
  readonly #byVin = new Map<string, Vehicle>();

  constructor(private readonly defaults: { commandSeconds: number }) {}

  /** Returns the existing car for a known VIN (first definition wins), else creates it. */
  ensure(spec: VehicleSpec, now: number): Vehicle {
    const vin = normalizeVin(spec.vin);
    const existing = this.#byVin.get(vin);
    if (existing) return existing;
    const engineType = spec.engineType ?? inferEngineType(spec.model);
    const vehicle: Vehicle = {
      vin,
      vehicleId: randomUUID(),
      deviceId: randomUUID(),
      model: spec.model,
      year: spec.year,
      nickName: spec.nickName ?? `${spec.year} ${spec.model}`,
      engineType,
      odometerKm: 12_345.6,
      fuelLevelPercent: 72.5,
      fuelRangeKm: 480,
      batteryStateOfChargePercent: 80,
      batteryRangeKm: 350,
      battery12vPercent: 91,
      lock: 'LOCKED',
      tirePressureKpa: { FRONT_LEFT: 241, FRONT_RIGHT: 241, REAR_LEFT: 238, REAR_RIGHT: 239 },
      position: { lat: 42.3006, lon: -83.2313 },
      ignition: 'OFF',
      remoteStartUntil: undefined,
      updatedAt: now,
      commandResult: 'SUCCESS',
      stateCase: 'upper',
      deepSleep: false,
      doorLockLayout: 'with-all-doors',
      commandSeconds: this.defaults.commandSeconds,
      commands: [],
    };
    this.#byVin.set(vin, vehicle);
    return vehicle;
  }

  get(vin: string): Vehicle | undefined {
    return this.#byVin.get(normalizeVin(vin));
  }

  list(): Vehicle[] {
    return [...this.#byVin.values()];
  }

  clear(): void {
    this.#byVin.clear();
  }
}
