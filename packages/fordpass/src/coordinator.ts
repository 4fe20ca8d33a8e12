import { AuthFailed, type Clock, EntryError, RateLimited } from '@configflow/core';
import type { AccountSession } from './accountSession.ts';
import type { TelemetryResponse } from './apiSchemas.ts';
import {
  type BackoffPolicy,
  type CommandOutcome,
  type CommandType,
  DEFAULT_COMMAND_BACKOFF,
  trackCommand,
} from './commands.ts';
import { asRuntimeError, FordRateLimited } from './errors.ts';
import type { FordClient } from './fordClient.ts';
import { type VehicleState, vehicleStateFrom } from './vehicleState.ts';

export interface CoordinatorOptions {
  vin: string;
  session: AccountSession;
  client: FordClient;
  clock: Clock;
  intervalMs: number;
  commandBackoff?: BackoffPolicy;
}

export type CoordinatorEvent =
  | { type: 'updated'; state: VehicleState }
  | { type: 'failed'; error: Error }
  | { type: 'command'; outcome: CommandOutcome };

/** An ISO time from Ford as epoch ms; undefined when absent or unreadable. */
function timeOf(iso: string | undefined): number | undefined {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** First retry after a transient failure; doubles up to the poll interval. */
const RETRY_MIN_MS = 60_000;

/**
 * One vehicle's data: polls on its interval (when run standalone; under the entry runtime `poll()` is
 * called on the runtime's schedule), draws from the account's shared budget, and holds off while a
 * command is being tracked, since the tracker reads the same status anyway.
 */
export class VehicleCoordinator {
  readonly vin: string;
  state: VehicleState | undefined;
  lastUpdate: number | undefined;
  lastError: { name: string; message: string; at: number } | undefined;
  tracking: { type: CommandType; commandId: string | null; since: number } | undefined;
  private readonly listeners = new Set<(event: CoordinatorEvent) => void>();
  private timer: unknown;
  private failures = 0;
  private running = false;

  constructor(private readonly opts: CoordinatorOptions) {
    this.vin = opts.vin;
  }

  /** One update. Throws the runtime error kinds; never spends beyond the account's budget. */
  async poll(signal?: AbortSignal): Promise<VehicleState> {
    if (this.tracking && this.state) return this.state;
    await this.opts.session.budget.ready();
    const wait = this.opts.session.budget.waitMs(1);
    if (wait > 0) throw new FordRateLimited('Holding polls: the account request budget is used up', wait);
    try {
      const telemetry = await this.readTelemetry(signal);
      this.failures = 0;
      this.lastError = undefined;
      return this.accept(telemetry);
    } catch (error) {
      const mapped = asRuntimeError(error);
      this.lastError = { name: mapped.name, message: mapped.message, at: this.opts.clock.now() };
      throw mapped;
    }
  }

  /** Sends a command and follows it to its end; normal polling pauses meanwhile. */
  async command(type: CommandType, signal?: AbortSignal): Promise<CommandOutcome> {
    if (this.tracking)
      throw new EntryError(`A ${this.tracking.type} command is still running`, 'command_in_progress');
    const { session, client, clock } = this.opts;
    this.tracking = { type, commandId: null, since: clock.now() };
    try {
      const sent = await session.withAutonomic(
        (token) => client.sendCommand(token, this.vin, type, { signal, budget: session.budget }),
        signal,
      );
      this.tracking.commandId = sent.id;
      const outcome = await trackCommand({
        type,
        commandId: sent.id,
        createdAt: timeOf(sent.createTime),
        expiresAt: timeOf(sent.expireTime),
        now: () => clock.now(),
        read: () => this.readTelemetry(signal),
        sleep: (ms) => this.sleep(ms, signal),
        policy: this.opts.commandBackoff ?? DEFAULT_COMMAND_BACKOFF,
        onTelemetry: (telemetry) => this.accept(telemetry),
      });
      this.emit({ type: 'command', outcome });
      return outcome;
    } catch (error) {
      throw asRuntimeError(error);
    } finally {
      this.tracking = undefined;
    }
  }

  /** Standalone polling on the interval, for hosts without the entry runtime. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  subscribe(listener: (event: CoordinatorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = this.opts.clock.setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    try {
      await this.poll();
      this.schedule(this.opts.intervalMs);
    } catch (error) {
      const err = error as Error;
      this.emit({ type: 'failed', error: err });
      // Credentials or the vehicle are gone: polling on would only burn budget. The runtime decides.
      if (err instanceof AuthFailed || err instanceof EntryError) {
        this.stop();
        return;
      }
      if (err instanceof RateLimited) {
        this.schedule(err.retryAfterMs ?? this.backoff());
        return;
      }
      this.schedule(this.backoff());
    }
  }

  private backoff(): number {
    this.failures += 1;
    return Math.min(this.opts.intervalMs, RETRY_MIN_MS * 2 ** (this.failures - 1));
  }

  private readTelemetry(signal?: AbortSignal): Promise<TelemetryResponse> {
    const { session, client } = this.opts;
    return session.withAutonomic(
      (token) => client.telemetry(token, this.vin, { signal, budget: session.budget }),
      signal,
    );
  }

  private accept(telemetry: TelemetryResponse): VehicleState {
    this.state = vehicleStateFrom(telemetry);
    this.lastUpdate = this.opts.clock.now();
    this.emit({ type: 'updated', state: this.state });
    return this.state;
  }

  private sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.opts.clock.clearTimeout(handle);
        reject(signal?.reason);
      };
      // The entry's signal lives as long as the entry: a listener left behind per sleep would pile up.
      const handle = this.opts.clock.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private emit(event: CoordinatorEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a listener's bug must not stop polling
      }
    }
  }
}
