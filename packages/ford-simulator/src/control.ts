import { z } from 'zod';
import { type Account, AccountConflictError } from './accounts.ts';
import { type CommandRecord, commandState, settleVehicle } from './commands.ts';
import { FORD_CLIENT_ID, REDIRECT_URIS } from './constants.ts';
import type { Fault, FaultSpec } from './faults.ts';
import { signIn } from './signIn.ts';
import type { SimState } from './state.ts';
import type { StatsSnapshot } from './stats.ts';
import { type EngineType, normalizeVin, type Vehicle, WHEELS } from './vehicles.ts';

/** A control-API failure with the HTTP status the `/_sim` routes answer with. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const ENGINE_TYPES = ['ICE', 'HEV', 'PHEV', 'BEV'] as const;

const vehicleSpecSchema = z.object({
  // Lenient on purpose: tests often use short fake VINs.
  vin: z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'vin must be 1-32 letters or digits'),
  model: z.string().min(1),
  year: z.number().int().min(1900).max(2100),
  nickName: z.string().min(1).optional(),
  engineType: z.enum(ENGINE_TYPES).optional(),
});

const createAccountSchema = z.object({
  username: z.string().trim().min(1),
  password: z.string().min(1),
  region: z.string().min(1).default('rest_of_world'),
  subject: z.uuid().optional(),
  vehicles: z.array(vehicleSpecSchema).default([]),
});

const loginSchema = z.object({
  username: z.string().min(1),
  password: z.string(),
  codeChallenge: z.string().regex(/^[A-Za-z0-9_-]{43,128}$/, 'codeChallenge must be base64url S256 output'),
  redirectUri: z.enum(REDIRECT_URIS).default('fordapp://userauthorized'),
  clientId: z.string().min(1).default(FORD_CLIENT_ID),
});

const vehiclePatchSchema = z.object({
  locked: z.boolean().optional(),
  odometerKm: z.number().min(0).optional(),
  fuelLevelPercent: z.number().min(0).max(100).optional(),
  fuelRangeKm: z.number().min(0).optional(),
  batteryStateOfChargePercent: z.number().min(0).max(100).optional(),
  batteryRangeKm: z.number().min(0).optional(),
  battery12vPercent: z.number().min(0).max(100).optional(),
  tirePressureKpa: z.number().min(0).optional(),
  position: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).optional(),
  ignition: z.enum(['OFF', 'RUN']).optional(),
  commandResult: z
    .enum(['SUCCESS', 'COMMAND_SUCCEEDED_ON_DEVICE', 'COMMAND_FAILED_ON_DEVICE', 'EXPIRED', 'NO_RESPONSE'])
    .optional(),
  commandSeconds: z.number().min(0).max(86_400).optional(),
  stateCase: z.enum(['upper', 'lower']).optional(),
  deepSleep: z.boolean().optional(),
  doorLockLayout: z.enum(['with-all-doors', 'per-door']).optional(),
});

export type VehicleSpecInput = z.input<typeof vehicleSpecSchema>;
export type CreateAccountInput = z.input<typeof createAccountSchema>;
export type LoginInput = z.input<typeof loginSchema>;
export type VehiclePatch = z.input<typeof vehiclePatchSchema>;

export interface VehicleSummary {
  vin: string;
  model: string;
  year: number;
  nickName: string;
  engineType: EngineType;
}

export interface AccountView {
  username: string;
  subject: string;
  region: string;
  vehicles: VehicleSummary[];
}

export interface VehicleView extends VehicleSummary {
  vehicleId: string;
  lock: Vehicle['lock'];
  ignition: Vehicle['ignition'];
  odometerKm: number;
  fuelLevelPercent: number;
  batteryStateOfChargePercent: number;
  position: { lat: number; lon: number };
  commandResult: Vehicle['commandResult'];
  commandSeconds: number;
  stateCase: Vehicle['stateCase'];
  deepSleep: boolean;
  doorLockLayout: Vehicle['doorLockLayout'];
  commands: { id: string; type: string; state: string; createdAt: number }[];
}

export interface FaultView {
  id: string;
  route: Fault['route'];
  status: number | 'reset' | null;
  body: unknown;
  headers: Record<string, string>;
  delayMs: number;
  account: string | null;
  /** Hits left; null while unlimited. */
  remaining: number | null;
  hits: number;
}

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ControlError(400, z.prettifyError(result.error));
  return result.data;
}

/**
 * The simulator's control operations, typed for in-process tests and served as JSON under `/_sim/`.
 * Validation errors are ControlError(400); unknown accounts or vehicles ControlError(404).
 */
export class SimControl {
  constructor(private readonly sim: SimState) {}

  createAccount(input: CreateAccountInput): AccountView {
    const spec = parse(createAccountSchema, input);
    if (this.sim.accounts.get(spec.username)) {
      throw new ControlError(409, `account ${spec.username} already exists`);
    }
    const now = this.sim.now();
    const vins = spec.vehicles.map((vehicle) => this.sim.vehicles.ensure(vehicle, now).vin);
    try {
      const account = this.sim.accounts.create({
        username: spec.username,
        password: spec.password,
        region: spec.region,
        vins,
        createdAt: now,
        ...(spec.subject ? { subject: spec.subject } : {}),
      });
      return this.#accountView(account);
    } catch (error) {
      if (error instanceof AccountConflictError) throw new ControlError(409, error.message);
      throw error;
    }
  }

  account(username: string): AccountView {
    return this.#accountView(this.#requireAccount(username));
  }

  accounts(): AccountView[] {
    return this.sim.accounts.list().map((account) => this.#accountView(account));
  }

  deleteAccount(username: string): void {
    if (!this.sim.accounts.delete(username)) throw new ControlError(404, `no account ${username}`);
  }

  addVehicle(username: string, input: VehicleSpecInput): AccountView {
    const account = this.#requireAccount(username);
    const vehicle = this.sim.vehicles.ensure(parse(vehicleSpecSchema, input), this.sim.now());
    if (!account.vins.includes(vehicle.vin)) account.vins.push(vehicle.vin);
    return this.#accountView(account);
  }

  /** Takes a VIN off an account (the car stays known to other accounts); its tokens then get 403. */
  removeVehicle(username: string, vin: string): AccountView {
    const account = this.#requireAccount(username);
    const normalized = normalizeVin(vin);
    if (!account.vins.includes(normalized))
      throw new ControlError(404, `${normalized} is not on ${username}`);
    account.vins = account.vins.filter((candidate) => candidate !== normalized);
    return this.#accountView(account);
  }

  /** The scripted browser sign-in: returns the `fordapp://userauthorized/?code=…` URL. */
  login(input: LoginInput): { redirectUrl: string; code: string } {
    const request = parse(loginSchema, input);
    const result = signIn(this.sim, {
      ...request,
      brand: request.redirectUri.startsWith('lincolnapp:') ? 'lincoln' : 'ford',
    });
    if (!result) throw new ControlError(401, 'wrong username or password');
    return { redirectUrl: result.redirectUrl, code: result.code };
  }

  /** Kills every token of the account, as a password change does. */
  revoke(username: string): { username: string; revoked: true } {
    const account = this.sim.accounts.revoke(username);
    if (!account) throw new ControlError(404, `no account ${username}`);
    return { username: account.username, revoked: true };
  }

  addFault(input: FaultSpec): FaultView {
    try {
      return faultView(this.sim.faults.add(input));
    } catch (error) {
      if (error instanceof z.ZodError) throw new ControlError(400, z.prettifyError(error));
      throw error;
    }
  }

  faults(): FaultView[] {
    return this.sim.faults.list().map(faultView);
  }

  removeFault(id: string): void {
    if (!this.sim.faults.remove(id)) throw new ControlError(404, `no fault ${id}`);
  }

  clearFaults(): void {
    this.sim.faults.clear();
  }

  advanceClock(seconds: number): { now: number } {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      throw new ControlError(400, 'advanceSeconds must be a finite, non-negative number');
    }
    this.sim.clock.advance(seconds);
    return { now: this.sim.now() };
  }

  now(): { now: number } {
    return { now: this.sim.now() };
  }

  stats(): StatsSnapshot {
    return this.sim.stats.snapshot(this.sim.now());
  }

  /** Requests the account has used in the current simulated day, and its limit. */
  budget(username: string): { used: number; limit: number | null } {
    const account = this.#requireAccount(username);
    const limit = this.sim.budget.perDay;
    return {
      used: this.sim.budget.used(account.username, this.sim.now()),
      limit: Number.isFinite(limit) ? limit : null,
    };
  }

  vehicle(vin: string): VehicleView {
    const vehicle = this.#requireVehicle(vin);
    settleVehicle(vehicle, this.sim.now());
    return this.#vehicleView(vehicle);
  }

  updateVehicle(vin: string, input: VehiclePatch): VehicleView {
    const vehicle = this.#requireVehicle(vin);
    const patch = parse(vehiclePatchSchema, input);
    const now = this.sim.now();
    settleVehicle(vehicle, now);
    if (patch.locked !== undefined) vehicle.lock = patch.locked ? 'LOCKED' : 'UNLOCKED';
    if (patch.odometerKm !== undefined) vehicle.odometerKm = patch.odometerKm;
    if (patch.fuelLevelPercent !== undefined) vehicle.fuelLevelPercent = patch.fuelLevelPercent;
    if (patch.fuelRangeKm !== undefined) vehicle.fuelRangeKm = patch.fuelRangeKm;
    if (patch.batteryStateOfChargePercent !== undefined) {
      vehicle.batteryStateOfChargePercent = patch.batteryStateOfChargePercent;
    }
    if (patch.batteryRangeKm !== undefined) vehicle.batteryRangeKm = patch.batteryRangeKm;
    if (patch.battery12vPercent !== undefined) vehicle.battery12vPercent = patch.battery12vPercent;
    if (patch.tirePressureKpa !== undefined) {
      for (const wheel of WHEELS) vehicle.tirePressureKpa[wheel] = patch.tirePressureKpa;
    }
    if (patch.position !== undefined) vehicle.position = { ...patch.position };
    if (patch.ignition !== undefined) vehicle.ignition = patch.ignition;
    if (patch.commandResult !== undefined) vehicle.commandResult = patch.commandResult;
    if (patch.commandSeconds !== undefined) vehicle.commandSeconds = patch.commandSeconds;
    if (patch.stateCase !== undefined) vehicle.stateCase = patch.stateCase;
    if (patch.deepSleep !== undefined) vehicle.deepSleep = patch.deepSleep;
    if (patch.doorLockLayout !== undefined) vehicle.doorLockLayout = patch.doorLockLayout;
    vehicle.updatedAt = now;
    return this.#vehicleView(vehicle);
  }

  reset(): void {
    this.sim.reset();
  }

  #requireAccount(username: string): Account {
    const account = this.sim.accounts.get(username);
    if (!account) throw new ControlError(404, `no account ${username}`);
    return account;
  }

  #requireVehicle(vin: string): Vehicle {
    const vehicle = this.sim.vehicles.get(vin);
    if (!vehicle) throw new ControlError(404, `no vehicle ${normalizeVin(vin)}`);
    return vehicle;
  }

  #accountView(account: Account): AccountView {
    const vehicles = account.vins.flatMap((vin) => {
      const vehicle = this.sim.vehicles.get(vin);
      return vehicle ? [summary(vehicle)] : [];
    });
    return { username: account.username, subject: account.subject, region: account.region, vehicles };
  }

  #vehicleView(vehicle: Vehicle): VehicleView {
    const now = this.sim.now();
    return {
      ...summary(vehicle),
      vehicleId: vehicle.vehicleId,
      lock: vehicle.lock,
      ignition: vehicle.ignition,
      odometerKm: vehicle.odometerKm,
      fuelLevelPercent: vehicle.fuelLevelPercent,
      batteryStateOfChargePercent: vehicle.batteryStateOfChargePercent,
      position: { ...vehicle.position },
      commandResult: vehicle.commandResult,
      commandSeconds: vehicle.commandSeconds,
      stateCase: vehicle.stateCase,
      deepSleep: vehicle.deepSleep,
      doorLockLayout: vehicle.doorLockLayout,
      commands: vehicle.commands.map((command: CommandRecord) => ({
        id: command.id,
        type: command.type,
        state: commandState(command, now),
        createdAt: command.createdAt,
      })),
    };
  }
}

function summary(vehicle: Vehicle): VehicleSummary {
  return {
    vin: vehicle.vin,
    model: vehicle.model,
    year: vehicle.year,
    nickName: vehicle.nickName,
    engineType: vehicle.engineType,
  };
}

function faultView(fault: Fault): FaultView {
  return {
    id: fault.id,
    route: fault.route,
    status: fault.status ?? null,
    body: fault.body,
    headers: { ...fault.headers },
    delayMs: fault.delayMs,
    account: fault.account ?? null,
    remaining: Number.isFinite(fault.remaining) ? fault.remaining : null,
    hits: fault.hits,
  };
}
