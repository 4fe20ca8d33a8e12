import type { Clock } from './clock.ts';
import type { ConfigEntry } from './configEntry.ts';
import type { ConfigFlow } from './defineConfigFlow.ts';
import type { Json, JsonObject } from './types.ts';

/**
 * What an integration implements besides its flow. Its errors say what happened; the entry runtime
 * decides what follows (retry, wait, reauth), so no integration can talk itself into a reauth loop.
 */
export interface Integration<R = unknown> {
  flow: ConfigFlow;
  /** Connects the entry; throws one of the runtime errors below. Returns what `poll`/`unload` get. */
  setup(entry: ConfigEntry, ctx: SetupContext): Promise<R>;
  unload?(entry: ConfigEntry, runtime: R): Promise<void>;
  /** The coordinator's update: fetches fresh data, throws the same error kinds as `setup`. */
  poll?(entry: ConfigEntry, runtime: R, ctx: SetupContext): Promise<Json>;
  /** Milliseconds between polls for this entry (integrations enforce their own minimum). */
  pollInterval?(entry: ConfigEntry): number;
  /** Entries sharing one account: one reauth per account, and a successful reauth reloads them all. */
  accountKey?(entry: ConfigEntry): string | undefined;
  /** Upgrades a stored entry to `flow.version`; return false (or throw) to leave it in `migration_error`. */
  migrate?(
    entry: ConfigEntry,
  ): Promise<Partial<Pick<ConfigEntry, 'data' | 'options' | 'version' | 'minorVersion' | 'title'>> | false>;
  /** Extra diagnostics; secrets are redacted by the framework afterwards. */
  diagnostics?(entry: ConfigEntry, runtime: R | undefined): Promise<Json>;
  /** Data and options keys holding secrets (form fields marked `secret` are added automatically). */
  secretKeys?: readonly string[];
}

export interface SetupContext {
  clock: Clock;
  signal: AbortSignal;
  /** Logs once per state change, never a secret (the runtime redacts). */
  log(message: string, extra?: JsonObject): void;
}

/** Temporary: network errors, 5xx, timeouts. Retry with backoff; never a reauth. */
export class EntryNotReady extends Error {
  override name = 'EntryNotReady';
}

/** The service asked us to slow down. Wait `retryAfterMs` (or back off); never a reauth. */
export class RateLimited extends Error {
  override name = 'RateLimited';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The credentials are definitely no longer valid: stop, and ask the user to sign in again once. */
export class AuthFailed extends Error {
  override name = 'AuthFailed';
}

/** Permanent, and not about credentials (e.g. the vehicle left the account): stop with a reason. */
export class EntryError extends Error {
  override name = 'EntryError';
  constructor(
    message: string,
    readonly reason: string = message,
  ) {
    super(message);
  }
}
