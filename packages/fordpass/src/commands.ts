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

/** Where one command stands, read from `states["<type>Command"].value.toState`. */
export function readCommandState(
  telemetry: TelemetryResponse,
  type: CommandType,
  commandId: string,
): {
  status: 'pending' | 'success' | 'failed' | 'expired';
  toState: string | null;
  oemErrorCode: string | null;
} {
  const parsed = commandStateEntry.safeParse(telemetry.states[`${type}Command`]);
  // No entry yet, or still the previous command of this type: ours has not been picked up.
  if (!parsed.success) return { status: 'pending', toState: null, oemErrorCode: null };
  const { toState, commandId: id, data } = parsed.data.value;
  if (id !== undefined && id !== commandId) return { status: 'pending', toState: null, oemErrorCode: null };
  const oem = (
    data as { commandError?: { commandExecutionFailure?: { oemErrorCode?: unknown } } } | undefined
  )?.commandError?.commandExecutionFailure?.oemErrorCode;
  const oemErrorCode = typeof oem === 'string' ? oem : null;
  if (SUCCESS.has(toState)) return { status: 'success', toState, oemErrorCode };
  if (toState === 'COMMAND_FAILED_ON_DEVICE') return { status: 'failed', toState, oemErrorCode };
  if (toState === 'EXPIRED') return { status: 'expired', toState, oemErrorCode };
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
 * Reads the status with a capped backoff until the command ends or the checks run out. Every read is
 * a budgeted request, hence few and spaced out.
 */
export async function trackCommand(opts: {
  type: CommandType;
  commandId: string;
  read: () => Promise<TelemetryResponse>;
  sleep: (ms: number) => Promise<void>;
  policy?: BackoffPolicy;
  onTelemetry?: (telemetry: TelemetryResponse) => void;
}): Promise<CommandOutcome> {
  const policy = opts.policy ?? DEFAULT_COMMAND_BACKOFF;
  let last: ReturnType<typeof readCommandState> = { status: 'pending', toState: null, oemErrorCode: null };
  for (let check = 0; check < policy.maxChecks; check++) {
    await opts.sleep(commandDelayMs(check, policy));
    const telemetry = await opts.read();
    opts.onTelemetry?.(telemetry);
    last = readCommandState(telemetry, opts.type, opts.commandId);
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
    checks: policy.maxChecks,
  };
}
