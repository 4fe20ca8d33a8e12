import {
  type Clock,
  type ConfigEntry,
  type Integration,
  type Json,
  type SetupContext,
  systemClock,
} from '@configflow/core';
import type { AccountSession } from './accountSession.ts';
import { type BaseUrls, resolveBaseUrls } from './baseUrls.ts';
import { VehicleCoordinator } from './coordinator.ts';
import { REDACTED, redactDiagnostics } from './diagnostics.ts';
import { readEntryData } from './entryData.ts';
import { readOptions } from './entryOptions.ts';
import { asRuntimeError } from './errors.ts';
import { createFordPassFlow } from './flow.ts';
import { type FetchLike, FordClient } from './fordClient.ts';
import { DEFAULT_REQUESTS_PER_DAY } from './requestBudget.ts';
import { SessionRegistry, type SharedTokenStorage } from './sessionRegistry.ts';
import { displayState } from './vehicleState.ts';

/** Setup's read stands in for the first poll only if that poll comes right after (as the runtime does). */
const PRIMED_MAX_AGE_MS = 60_000;

export interface FordPassOptions {
  /** Base URL per role; unset roles use Ford's real hosts. The simulator serves every role on one origin. */
  api?: Partial<BaseUrls>;
  /** Where token files live (`<storageDir>/fordpass/<accountId>.json`): a data folder, never a code folder. */
  storageDir: string;
  clock?: Clock;
  fetch?: FetchLike;
  /** Per HTTP request; default 30 s. */
  requestTimeoutMs?: number;
  /** Per account and UTC day, shared by its vehicles; default 250. */
  requestsPerDay?: number;
  /** Servers sharing a database: tokens and the account lock there instead of in `storageDir`. */
  shared?: SharedTokenStorage;
}

/** What `setup` hands back and `poll`/`unload` get: the vehicle's coordinator and its account. */
export interface FordPassRuntime {
  vin: string;
  accountId: string;
  coordinator: VehicleCoordinator;
  session: AccountSession;
  /** Setup's own read, not yet handed out: the runtime polls right after setup, and one read is enough. */
  primed: boolean;
}

export interface FordPassIntegration extends Integration<FordPassRuntime> {
  readonly client: FordClient;
  readonly sessions: SessionRegistry;
}

/**
 * The FordPass adapter: its config flow plus the runtime side (setup, poll, unload, diagnostics).
 * Failures are thrown as core's runtime kinds; the entry runtime decides about retries and reauth.
 */
export function createFordPassIntegration(opts: FordPassOptions): FordPassIntegration {
  const clock = opts.clock ?? systemClock;
  const client = new FordClient({
    urls: resolveBaseUrls(opts.api),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.requestTimeoutMs !== undefined ? { timeoutMs: opts.requestTimeoutMs } : {}),
    now: () => clock.now(),
  });
  const sessions = new SessionRegistry(
    opts.storageDir,
    client,
    clock,
    opts.requestsPerDay ?? DEFAULT_REQUESTS_PER_DAY,
    opts.shared,
  );
  const flow = createFordPassFlow({ client, sessions, clock, storageDir: opts.storageDir });

  return {
    flow,
    client,
    sessions,
    // The VIN and the account id identify a person; the location is where they are. Never exported.
    secretKeys: ['vin', 'accountId', 'location'],

    async setup(entry: ConfigEntry, ctx: SetupContext): Promise<FordPassRuntime> {
      const data = readEntryData(entry);
      const session = sessions.get(data.accountId);
      const coordinator = new VehicleCoordinator({
        vin: data.vin,
        session,
        client,
        clock,
        intervalMs: readOptions(entry).pollIntervalMs,
      });
      try {
        await session.current();
        // The first update doubles as the connection check, like Home Assistant's first refresh.
        await coordinator.poll(ctx.signal);
      } catch (error) {
        throw asRuntimeError(error);
      }
      return { vin: data.vin, accountId: data.accountId, coordinator, session, primed: true };
    },

    async poll(entry: ConfigEntry, runtime: FordPassRuntime, ctx: SetupContext): Promise<Json> {
      const { state: last, lastUpdate } = runtime.coordinator;
      const fresh =
        last !== undefined && lastUpdate !== undefined && clock.now() - lastUpdate < PRIMED_MAX_AGE_MS;
      const state = runtime.primed && fresh ? last : await runtime.coordinator.poll(ctx.signal);
      runtime.primed = false;
      const { pressure, distance } = readOptions(entry);
      return displayState(state, { pressure, distance });
    },

    async unload(_entry: ConfigEntry, runtime: FordPassRuntime): Promise<void> {
      runtime.coordinator.stop();
    },

    pollInterval: (entry) => readOptions(entry).pollIntervalMs,

    accountKey: (entry) => {
      const accountId = entry.data.accountId;
      return typeof accountId === 'string' && accountId !== '' ? accountId : undefined;
    },

    async diagnostics(entry: ConfigEntry, runtime: FordPassRuntime | undefined): Promise<Json> {
      const vin = typeof entry.data.vin === 'string' ? entry.data.vin : '';
      const session =
        runtime?.session ??
        (typeof entry.data.accountId === 'string' ? sessions.get(entry.data.accountId) : undefined);
      const coordinator = runtime?.coordinator;
      const raw = {
        entry: {
          title: entry.title,
          state: entry.state,
          reason: entry.reason,
          data: entry.data,
          options: entry.options,
        },
        vin: REDACTED,
        vinLast4: vin.slice(-4),
        account: session ? { ...session.describe(), budget: session.budget.snapshot() } : null,
        coordinator: coordinator
          ? {
              lastUpdate: coordinator.lastUpdate ? new Date(coordinator.lastUpdate).toISOString() : null,
              lastError: coordinator.lastError ?? null,
              tracking: coordinator.tracking ?? null,
              state: coordinator.state ?? null,
            }
          : null,
      };
      // Redact this entry's VIN explicitly too: test VINs need not look like real ones.
      return JSON.parse(JSON.stringify(redactDiagnostics(raw)).replaceAll(vin || REDACTED, REDACTED)) as Json;
    },
  };
}
