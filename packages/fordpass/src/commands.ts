import { commandStateEntry, type TelemetryResponse } from './apiSchemas.ts';

/** Commands the adapter sends (Ford's names). */
export const COMMAND_TYPES = [
  'lock',
  'unlock',
  'remoteStart',
  'cancelRemoteStart',
  'statusRefresh',
  'startPanicCue',
] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

export type CommandResult = 'success' | 'failed' | 'expired' | 'timeout';

export interface CommandOutcome {
  type: CommandType;
  commandId: string;
  result: CommandResult;
  /** Ford's last `toState` for the command. */
  toState: string | null;
  oemErrorCode: string | null;
  /** Status reads it took. */
  checks: number;
}

const SUCCESS = new Set(['SUCCESS', 'COMMAND_SUCCEEDED_ON_DEVICE']);

/** The command being followed: Ford's id, and when it was created (epoch ms), for states without an id. */
export interface TrackedCommand {
  id: string;
  createdAt?: number | undefined;
}

export interface CommandReading {
  status: 'pending' | 'success' | 'failed' | 'expired';
  toState: string | null;
  oemErrorCode: string | null;
}

const PENDING: CommandReading = { status: 'pending', toState: null, oemErrorCode: null };

/**
 * Where one command stands, read from `states["<type>Command"]`. The state is ours only when its
 * top-level `commandId` (Ford's place, m#271; `value.commandId` as a fallback) is our id: until Ford
 * picks the new command up, the entry still shows the previous command of that type, whose success
 * must not count. A state without any id is ours only if it is stamped after our command was created.
 * `toState` is compared case-insensitively (Ford writes `SUCCESS` and `success`).
 */
export function readCommandState(
  telemetry: TelemetryResponse,
  type: CommandType,
  command: string | TrackedCommand,
): CommandReading {
  const { id: commandId, createdAt } =
    typeof command === 'string' ? { id: command, createdAt: undefined } : command;
  const parsed = commandStateEntry.safeParse(telemetry.states[`${type}Command`]);
  if (!parsed.success) return PENDING;
  const entry = parsed.data;
  const id = entry.commandId ?? entry.value.commandId;
  if (id !== undefined && id !== commandId) return PENDING;
  if (id === undefined) {
    const stamp = Date.parse(entry.timestamp ?? entry.updateTime ?? '');
    if (createdAt === undefined || Number.isNaN(stamp) || stamp < createdAt) return PENDING;
  }
  const { toState, data } = entry.value;
  const oem = (
    data as { commandError?: { commandExecutionFailure?: { oemErrorCode?: unknown } } } | undefined
  )?.commandError?.commandExecutionFailure?.oemErrorCode;
  const oemErrorCode = typeof oem === 'string' ? oem : null;
  const state = toState.toUpperCase();
  if (SUCCESS.has(state)) return { status: 'success', toState, oemErrorCode };
  if (state === 'COMMAND_FAILED_ON_DEVICE') return { status: 'failed', toState, oemErrorCode };
  if (state === 'EXPIRED') return { status: 'expired', toState, oemErrorCode };
  // REQUEST_QUEUED, RECEIVED_BY_DEVICE, *IN_PROGRESS*, *DELIVERY*…
  return { status: 'pending', toState, oemErrorCode };
}

export interface BackoffPolicy {
  /** Wait before the first status read: the car needs a moment to wake. */
  firstMs: number;
  /** Doubling from here, capped at `capMs`. */
  baseMs: number;
  capMs: number;
  maxChecks: number;
}

/** About 2 min 30 s at most with these numbers: 2, 5, 10, 20, 30, 30… s. */
export const DEFAULT_COMMAND_BACKOFF: BackoffPolicy = {
  firstMs: 2_000,
  baseMs: 5_000,
  capMs: 30_000,
  maxChecks: 8,
};

/** The delay before status check number `check` (0-based). */
export function commandDelayMs(check: number, policy: BackoffPolicy = DEFAULT_COMMAND_BACKOFF): number {
  if (check === 0) return policy.firstMs;
  return Math.min(policy.capMs, policy.baseMs * 2 ** (check - 1));
}

/**
 * Reads the status with a capped backoff until the command ends, its `expireTime` passes (Ford gives
 * up on a command the car has not answered by then, about 90 s after creation), or the checks run
 * out. The last read is moved to `expireTime` rather than past it. Every read is a budgeted request,
 * hence few and spaced out.
 */
export async function trackCommand(opts: {
  type: CommandType;
  commandId: string;
  /** Epoch ms of Ford's `createTime`, for state entries that carry no command id. */
  createdAt?: number | undefined;
  /** Epoch ms of Ford's `expireTime`; no read is spent after it. */
  expiresAt?: number | undefined;
  now?: () => number;
  read: () => Promise<TelemetryResponse>;
  sleep: (ms: number) => Promise<void>;
  policy?: BackoffPolicy;
  onTelemetry?: (telemetry: TelemetryResponse) => void;
}): Promise<CommandOutcome> {
  const policy = opts.policy ?? DEFAULT_COMMAND_BACKOFF;
  const now = opts.now ?? Date.now;
  const expiresAt = opts.expiresAt;
  const tracked: TrackedCommand = { id: opts.commandId, createdAt: opts.createdAt };
  let last: CommandReading = PENDING;
  let check = 0;
  for (; check < policy.maxChecks; check++) {
    let delay = commandDelayMs(check, policy);
    if (expiresAt !== undefined) {
      const left = expiresAt - now();
      // Past expireTime and still pending after the read at it: Ford has given up on the command.
      if (left <= 0 && check > 0) break;
      delay = Math.min(delay, Math.max(0, left));
    }
    await opts.sleep(delay);
    const telemetry = await opts.read();
    opts.onTelemetry?.(telemetry);
    last = readCommandState(telemetry, opts.type, tracked);
    if (last.status !== 'pending') {
      return {
        type: opts.type,
        commandId: opts.commandId,
        result: last.status,
        toState: last.toState,
        oemErrorCode: last.oemErrorCode,
        checks: check + 1,
      };
    }
  }
  return {
    type: opts.type,
    commandId: opts.commandId,
    result: 'timeout',
    toState: last.toState,
    oemErrorCode: null,
    checks: check,
  };
}
