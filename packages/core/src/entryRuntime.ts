import { type Clock, systemClock } from './clock.ts';
import type { ConfigEntry, EntryState } from './configEntry.ts';
import type { FlowManager } from './flowManager.ts';
import { AuthFailed, EntryError, EntryNotReady, type Integration, RateLimited } from './integration.ts';
import { InProcessLock, type Lock } from './lock.ts';
import { MemoryReauthCounts, type ReauthCounts } from './reauthCounts.ts';
import { redact, scrub, secretValues } from './redact.ts';
import type { FlowResult, Json } from './types.ts';

/** Whether an entry's last data can be trusted: polling failures make it stale, then unavailable. */
export type Availability = 'fresh' | 'stale' | 'unavailable';

export interface EntryStatus {
  entryId: string;
  state: EntryState;
  reason: string | null;
  availability: Availability;
  data: Json | undefined;
  lastUpdated: number | undefined;
  failures: number;
  /** When the next setup retry or poll is due (epoch ms), if one is scheduled. */
  nextAttemptAt: number | undefined;
}

/**
 * Which instance runs (sets up and polls) an entry when several share one store: a lease, say. An
 * entry is set up only after `claim` succeeds, and `release`d when it is unloaded.
 */
export interface EntryOwnership {
  claim(entryId: string): Promise<boolean>;
  release(entryId: string): Promise<void>;
}

export interface EntryRuntimeOptions {
  manager: FlowManager;
  /** Absent: this runtime runs every entry (one process). */
  ownership?: EntryOwnership;
  integrations: Integration<any>[];
  clock?: Clock;
  lock?: Lock;
  /** Backoff for setup retries and failed polls: base·2^tries, capped, plus jitter. */
  backoff?: { baseMs?: number; maxMs?: number; jitter?: number };
  /** Consecutive failed polls before data is unavailable (it is stale from the first). */
  unavailableAfter?: number;
  /** Loop guard: this many successful reauths in `windowMs`, then an auth failure, stops prompting. */
  loopGuard?: { maxReauths?: number; windowMs?: number };
  /** Where the loop guard counts (default: in memory); servers sharing one database share it. */
  reauthCounts?: ReauthCounts;
  /** Defaults to 60 s when the integration gives no poll interval. */
  defaultPollMs?: number;
  /**
   * Entries `start()` sets up at once (default 16). Each setup holds its entry's lock, which on a
   * shared database is a connection: thousands at once would exhaust the server's connections.
   */
  startConcurrency?: number;
  random?: () => number;
  log?: (line: string) => void;
}

interface Slot {
  handle: unknown;
  timer: unknown;
  nextAttemptAt: number | undefined;
  tries: number;
  failures: number;
  availability: Availability;
  data: Json | undefined;
  lastUpdated: number | undefined;
  abort: AbortController;
  /** Bumped on every setup/unload, so late callbacks of an older run do nothing. */
  generation: number;
}

const REAUTH_SUCCESSFUL = 'reauth_successful';

/**
 * Runs config entries: setup, polling, retries and reauth. It acts on the kind of error an
 * integration throws, so the decision "ask the user to sign in again" is made here, once, under a lock.
 */
export class EntryRuntime {
  private readonly manager: FlowManager;
  private readonly integrations = new Map<string, Integration<any>>();
  private readonly clock: Clock;
  private readonly lock: Lock;
  private readonly ownership: EntryOwnership | undefined;
  private readonly slots = new Map<string, Slot>();
  private readonly reauthCounts: ReauthCounts;
  /** Given by the caller: shared by the instances, which count only the reauths that end on them. */
  private readonly sharedCounts: boolean;
  /** Successful reauths still being recorded: the guard waits for them before it counts. */
  private readonly recording = new Set<Promise<void>>();
  private readonly opts: Required<
    Pick<EntryRuntimeOptions, 'unavailableAfter' | 'defaultPollMs' | 'startConcurrency' | 'random'>
  > & {
    baseMs: number;
    maxMs: number;
    jitter: number;
    maxReauths: number;
    windowMs: number;
  };
  private readonly log: (line: string) => void;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly background = new Set<Promise<unknown>>();

  constructor(opts: EntryRuntimeOptions) {
    this.manager = opts.manager;
    this.clock = opts.clock ?? systemClock;
    this.lock = opts.lock ?? new InProcessLock();
    this.ownership = opts.ownership;
    this.reauthCounts = opts.reauthCounts ?? new MemoryReauthCounts();
    this.sharedCounts = opts.reauthCounts !== undefined;
    for (const i of opts.integrations) this.integrations.set(i.flow.domain, i);
    this.opts = {
      baseMs: opts.backoff?.baseMs ?? 5_000,
      maxMs: opts.backoff?.maxMs ?? 80_000,
      jitter: opts.backoff?.jitter ?? 0.1,
      unavailableAfter: opts.unavailableAfter ?? 3,
      maxReauths: opts.loopGuard?.maxReauths ?? 3,
      windowMs: opts.loopGuard?.windowMs ?? 60 * 60_000,
      defaultPollMs: opts.defaultPollMs ?? 60_000,
      startConcurrency: Math.max(1, opts.startConcurrency ?? 16),
      random: opts.random ?? Math.random,
    };
    this.log = opts.log ?? (() => {});
    const entries = this.manager.entries;
    entries.reloader = async (entry) => {
      await this.reload(entry.entryId);
    };
    this.unsubscribe.push(
      entries.subscribe((event) => {
        if (event.type === 'entry_removed') this.track(this.onRemoved(event.entry));
        if (event.type === 'entry_state') {
          const { entry, previous } = event;
          this.log(
            `${entry.domain} ${entry.title}: ${previous} -> ${entry.state}${entry.reason ? ` (${entry.reason})` : ''}`,
          );
        }
      }),
      this.manager.subscribe((event) => {
        if (
          event.type === 'ended' &&
          event.source === 'reauth' &&
          event.entryId &&
          event.result.reason === REAUTH_SUCCESSFUL
        ) {
          this.track(this.reauthSucceeded(event.entryId, event.remote === true));
        }
      }),
    );
  }

  /** Migrates and sets up every stored entry (after a restart), `startConcurrency` at a time. */
  async start(): Promise<void> {
    const ids = this.manager.entries
      .list()
      .filter((e) => e.source !== 'ignore' && this.integrations.has(e.domain))
      .map((e) => e.entryId);
    let next = 0;
    const worker = async () => {
      while (next < ids.length) await this.setup(ids[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.startConcurrency, ids.length) }, worker));
  }

  /** Waits for work started in the background (reloads after a reauth, clean-up): for tests. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
    await this.manager.idle();
  }

  private track(work: Promise<unknown>): void {
    const p = work.catch(() => {}).finally(() => this.background.delete(p));
    this.background.add(p);
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    await Promise.all([...this.slots.keys()].map((id) => this.unload(id)));
  }

  status(entryId: string): EntryStatus {
    const entry = this.manager.entries.require(entryId);
    const slot = this.slots.get(entryId);
    return {
      entryId,
      state: entry.state,
      reason: entry.reason,
      availability: slot?.availability ?? 'unavailable',
      data: slot?.data,
      lastUpdated: slot?.lastUpdated,
      failures: slot?.failures ?? 0,
      nextAttemptAt: slot?.nextAttemptAt,
    };
  }

  /** Sets an entry up (migrating it first if its version is behind the integration's). */
  async setup(entryId: string): Promise<EntryState> {
    return this.lock.withLock(`entry:${entryId}`, () => this.setupLocked(entryId));
  }

  /** Unloads an entry; false when the integration's `unload` failed (the entry is `failed_unload`). */
  async unload(entryId: string): Promise<boolean> {
    return this.lock.withLock(`entry:${entryId}`, () => this.unloadLocked(entryId));
  }

  /** Unloads and sets up again; an entry that fails to unload is not set up a second time. */
  async reload(entryId: string): Promise<EntryState> {
    return this.lock.withLock(`entry:${entryId}`, async () => {
      if (!(await this.unloadLocked(entryId))) return this.manager.entries.require(entryId).state;
      return this.setupLocked(entryId);
    });
  }

  /** Polls now (the API's "refresh"). */
  async refresh(entryId: string): Promise<EntryStatus> {
    const slot = this.slots.get(entryId);
    if (slot && this.manager.entries.get(entryId)?.state === 'loaded')
      await this.poll(entryId, slot.generation);
    return this.status(entryId);
  }

  /**
   * The reauth flow for an entry: the one already open for it or its account, else a new one. A user's
   * own request (`manual`) also resets the loop guard. Returns the flow's current result.
   */
  async requestReauth(entryId: string, opts: { manual?: boolean } = {}): Promise<FlowResult | undefined> {
    const flowId = await this.ensureReauth(entryId, opts);
    return flowId === undefined ? undefined : this.manager.configure(flowId);
  }

  /** Exactly one reauth flow per entry (or account): a lock, and a check under it. */
  private async ensureReauth(entryId: string, opts: { manual?: boolean } = {}): Promise<string | undefined> {
    const entry = this.manager.entries.require(entryId);
    const key = this.accountKey(entry);
    if (opts.manual) await this.reauthCounts.clear(key);
    return this.lock.withLock(`reauth:${key}`, async () => {
      const open = this.openReauthFlow(key);
      if (open) return open;
      // Home Assistant's rule: no reauth while the entry is being reconfigured (that flow may well
      // change the credentials itself); a reconfigure may still start while a reauth is open.
      const reconfiguring = { handler: entry.domain, source: 'reconfigure' as const, entryId };
      if (this.manager.list({ ...reconfiguring, includeUninitialized: true }).length > 0) return undefined;
      const successes = await this.recentReauths(key);
      if (!opts.manual && successes >= this.opts.maxReauths) {
        const minutes = Math.round(this.opts.windowMs / 60_000);
        await this.manager.entries.setState(
          entryId,
          'setup_error',
          `reauth_loop: the credentials were accepted ${successes} times in ${minutes} minutes and rejected again each time; ` +
            'check that no other app or integration uses this account, and that the account is not locked, then re-authenticate by hand',
        );
        return undefined;
      }
      const result = await this.manager.init(entry.domain, { source: 'reauth', entryId });
      return result.type === 'abort' || result.type === 'create_entry' ? undefined : result.flowId;
    });
  }

  /** Redacted diagnostics: the entry, its status and the integration's own, with every secret removed. */
  async diagnostics(entryId: string): Promise<Json> {
    const entry = this.manager.entries.require(entryId);
    const integration = this.integrations.get(entry.domain);
    const keys = this.secretKeys(entry.domain);
    const extra = integration?.diagnostics
      ? await integration.diagnostics(entry, this.slots.get(entryId)?.handle)
      : null;
    const status = this.status(entryId);
    const raw = {
      entry: { ...entry } as unknown as Json,
      status: {
        ...status,
        data: status.data ?? null,
        lastUpdated: status.lastUpdated ?? null,
        nextAttemptAt: status.nextAttemptAt ?? null,
      } as Json,
      integration: extra,
    };
    const secrets = secretValues(entry.data, keys);
    // Redact by key, then scrub known secret values wherever else they may have been copied.
    return JSON.parse(scrub(JSON.stringify(redact(raw as Json, keys)), secrets)) as Json;
  }

  /** Every key that holds a secret for a domain: the integration's plus form fields marked secret. */
  secretKeys(domain: string): ReadonlySet<string> {
    const integration = this.integrations.get(domain);
    const keys = new Set(integration?.secretKeys ?? []);
    const flows = integration ? [integration.flow, integration.flow.options].filter((f) => !!f) : [];
    for (const flow of flows)
      for (const stepId of Object.keys(flow!.steps)) for (const k of flow!.secretFields(stepId)) keys.add(k);
    return keys;
  }

  // ---- internals ----

  private async setupLocked(entryId: string): Promise<EntryState> {
    let entry = this.manager.entries.get(entryId);
    const integration = entry && this.integrations.get(entry.domain);
    if (!entry || !integration || entry.source === 'ignore') return entry?.state ?? 'not_loaded';
    // Loaded by this runtime already. A stored `loaded` from before a crash means nothing: set it up.
    if (entry.state === 'loaded' && this.slots.get(entryId)?.handle !== undefined) return 'loaded';
    // An unload that failed left the integration holding its resources: never set it up twice.
    if (entry.state === 'failed_unload' && this.slots.get(entryId)?.handle !== undefined)
      return 'failed_unload';
    // Another instance runs it (its lease is live): nothing to do here.
    if (this.ownership && !(await this.ownership.claim(entryId))) return entry.state;

    const migrated = await this.migrate(entry, integration);
    if (!migrated) return 'migration_error';
    entry = migrated;

    const slot = this.slotFor(entryId);
    const generation = slot.generation;
    await this.manager.entries.setState(entryId, 'setup_in_progress');
    try {
      slot.handle = await integration.setup(entry, this.context(entry, slot));
    } catch (error) {
      if (slot.generation !== generation) return this.manager.entries.require(entryId).state;
      return this.failed(entry, error, 'setup');
    }
    if (slot.generation !== generation) return this.manager.entries.require(entryId).state;
    slot.tries = 0;
    await this.manager.entries.setState(entryId, 'loaded');
    // A reauth flow left open is pointless once the entry works again.
    const reauths = { handler: entry.domain, source: 'reauth' as const, entryId, includeUninitialized: true };
    for (const f of this.manager.list(reauths)) {
      this.track(this.manager.abort(f.flowId, 'entry_loaded'));
    }
    await this.poll(entryId, generation);
    return this.manager.entries.require(entryId).state;
  }

  /**
   * Home Assistant's unload: an entry that runs passes through `unload_in_progress` to `not_loaded`,
   * or to `failed_unload` with the error's message when the integration's `unload` throws; that is
   * final until a restart (Home Assistant refuses to unload it again). Returns whether it unloaded.
   */
  private async unloadLocked(entryId: string): Promise<boolean> {
    const slot = this.slots.get(entryId);
    if (!slot) return true;
    if (this.manager.entries.get(entryId)?.state === 'failed_unload' && slot.handle !== undefined)
      return false;
    slot.generation++;
    slot.abort.abort();
    if (slot.timer !== undefined) this.clock.clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.nextAttemptAt = undefined;
    const entry = this.manager.entries.get(entryId);
    const integration = entry && this.integrations.get(entry.domain);
    if (entry && slot.handle !== undefined) {
      await this.manager.entries.setState(entryId, 'unload_in_progress');
      try {
        await integration?.unload?.(entry, slot.handle);
      } catch (error) {
        const reason = this.message(entry, error) || 'Unknown error';
        if (this.manager.entries.get(entryId))
          await this.manager.entries.setState(entryId, 'failed_unload', reason);
        return false;
      }
    }
    slot.handle = undefined;
    slot.abort = new AbortController();
    const current = this.manager.entries.get(entryId);
    if (current && current.state !== 'not_loaded') await this.manager.entries.setState(entryId, 'not_loaded');
    await this.ownership?.release(entryId).catch(() => {});
    return true;
  }

  private async migrate(entry: ConfigEntry, integration: Integration): Promise<ConfigEntry | undefined> {
    const { version, minorVersion } = integration.flow;
    if (entry.version === version && entry.minorVersion === minorVersion) return entry;
    // A newer entry is the handler's to judge (Home Assistant calls its migrator for a downgrade too).
    if (entry.version > version && !integration.migrate) {
      await this.manager.entries.setState(
        entry.entryId,
        'migration_error',
        `entry version ${entry.version} is newer than the integration (${version})`,
      );
      return undefined;
    }
    if (entry.version === version && !integration.migrate) return entry;
    try {
      const changes = integration.migrate ? await integration.migrate(structuredClone(entry)) : false;
      if (!changes) throw new Error(`no migration from version ${entry.version}.${entry.minorVersion}`);
      const { entry: updated } = await this.manager.entries.update(entry.entryId, {
        version,
        minorVersion,
        ...changes,
      });
      return updated;
    } catch (error) {
      // Data is untouched: the failed migration changed nothing in the store.
      await this.manager.entries.setState(entry.entryId, 'migration_error', this.message(entry, error));
      return undefined;
    }
  }

  private async poll(entryId: string, generation: number): Promise<void> {
    const slot = this.slots.get(entryId);
    const entry = this.manager.entries.get(entryId);
    const integration = entry && this.integrations.get(entry.domain);
    if (!slot || !entry || !integration || slot.generation !== generation) return;
    if (slot.timer !== undefined) this.clock.clearTimeout(slot.timer);
    slot.timer = undefined;
    if (!integration.poll) return;
    try {
      const data = await integration.poll(entry, slot.handle, this.context(entry, slot));
      if (slot.generation !== generation) return;
      if (slot.availability !== 'fresh' && slot.lastUpdated !== undefined)
        this.log(`${entry.domain} ${entry.title}: data available again`);
      Object.assign(slot, {
        data,
        lastUpdated: this.clock.now(),
        failures: 0,
        availability: 'fresh' as const,
        tries: 0,
      });
      this.schedule(entryId, generation, integration.pollInterval?.(entry) ?? this.opts.defaultPollMs);
    } catch (error) {
      if (slot.generation !== generation) return;
      await this.failed(entry, error, 'poll');
    }
  }

  /** The one place that decides what an error means. */
  private async failed(entry: ConfigEntry, error: unknown, phase: 'setup' | 'poll'): Promise<EntryState> {
    const slot = this.slotFor(entry.entryId);
    const generation = slot.generation;
    const kind = classify(error);
    const message = this.message(entry, error);
    if (kind === 'auth') {
      this.stopTimer(slot);
      // Home Assistant's reason: the error's own message (or its fallback), not a fixed key.
      await this.manager.entries.setState(entry.entryId, 'setup_error', message || 'could not authenticate');
      await this.ensureReauth(entry.entryId);
      return this.manager.entries.require(entry.entryId).state;
    }
    if (kind === 'error') {
      this.stopTimer(slot);
      await this.manager.entries.setState(entry.entryId, 'setup_error', message);
      return 'setup_error';
    }
    // Not ready or rate limited: wait and try again; never a reauth.
    const wait =
      kind === 'rate_limited' && (error as RateLimited).retryAfterMs !== undefined
        ? (error as RateLimited).retryAfterMs!
        : this.backoff(slot.tries++);
    if (phase === 'setup') {
      await this.manager.entries.setState(entry.entryId, 'setup_retry', message);
      this.schedule(entry.entryId, generation, wait, true);
      return 'setup_retry';
    }
    slot.failures++;
    const next: Availability = slot.failures >= this.opts.unavailableAfter ? 'unavailable' : 'stale';
    if (next !== slot.availability) this.log(`${entry.domain} ${entry.title}: data ${next} (${message})`);
    slot.availability = next;
    const interval = this.integrations.get(entry.domain)?.pollInterval?.(entry) ?? this.opts.defaultPollMs;
    this.schedule(entry.entryId, generation, kind === 'rate_limited' ? wait : Math.min(wait, interval));
    return 'loaded';
  }

  private schedule(entryId: string, generation: number, ms: number, isSetup = false): void {
    const slot = this.slots.get(entryId);
    if (!slot || slot.generation !== generation) return;
    this.stopTimer(slot);
    slot.nextAttemptAt = this.clock.now() + ms;
    slot.timer = this.clock.setTimeout(() => {
      slot.timer = undefined;
      slot.nextAttemptAt = undefined;
      if (slot.generation !== generation) return;
      this.track(isSetup ? this.setup(entryId) : this.poll(entryId, generation));
    }, ms);
  }

  private stopTimer(slot: Slot): void {
    if (slot.timer !== undefined) this.clock.clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.nextAttemptAt = undefined;
  }

  /** Home Assistant's schedule (5 s · 2^tries, capped at 80 s) plus jitter, so retries do not march in step. */
  private backoff(tries: number): number {
    const base = Math.min(this.opts.maxMs, this.opts.baseMs * 2 ** Math.min(tries, 16));
    return Math.round(base * (1 + this.opts.jitter * this.opts.random()));
  }

  private slotFor(entryId: string): Slot {
    let slot = this.slots.get(entryId);
    if (!slot) {
      slot = {
        handle: undefined,
        timer: undefined,
        nextAttemptAt: undefined,
        tries: 0,
        failures: 0,
        availability: 'unavailable',
        data: undefined,
        lastUpdated: undefined,
        abort: new AbortController(),
        generation: 0,
      };
      this.slots.set(entryId, slot);
    }
    return slot;
  }

  private context(entry: ConfigEntry, slot: Slot) {
    const secrets = secretValues(entry.data, this.secretKeys(entry.domain));
    return {
      clock: this.clock,
      signal: slot.abort.signal,
      log: (message: string, extra?: Record<string, Json>) =>
        this.log(
          scrub(
            `${entry.domain} ${entry.title}: ${message}${extra ? ` ${JSON.stringify(redact(extra, this.secretKeys(entry.domain)))}` : ''}`,
            secrets,
          ),
        ),
    };
  }

  private message(entry: ConfigEntry, error: unknown): string {
    const text =
      error instanceof EntryError ? error.reason : error instanceof Error ? error.message : String(error);
    return scrub(text, secretValues(entry.data, this.secretKeys(entry.domain)));
  }

  private accountKey(entry: ConfigEntry): string {
    const account = this.integrations.get(entry.domain)?.accountKey?.(entry);
    return account ? `${entry.domain}:account:${account}` : `${entry.domain}:entry:${entry.entryId}`;
  }

  private openReauthFlow(key: string): string | undefined {
    for (const f of this.manager.list({ source: 'reauth', includeUninitialized: true })) {
      const entry = f.entryId ? this.manager.entries.get(f.entryId) : undefined;
      if (entry && this.accountKey(entry) === key) return f.flowId;
    }
    return undefined;
  }

  private async recentReauths(key: string): Promise<number> {
    await Promise.allSettled([...this.recording]);
    return this.reauthCounts.count(key, this.clock.now() - this.opts.windowMs);
  }

  /** A reauth flow succeeded: count it for the loop guard, and reload the account's other entries. */
  private async reauthSucceeded(entryId: string, remote: boolean): Promise<void> {
    const entry = this.manager.entries.get(entryId);
    if (!entry) return;
    const key = this.accountKey(entry);
    // Counts shared with the other instances already have the ones that ended there.
    if (!remote || !this.sharedCounts) this.countReauth(entry, key);
    const siblings = this.manager.entries
      .list({ domain: entry.domain })
      .filter((e) => e.entryId !== entryId && this.accountKey(e) === key);
    await Promise.all(siblings.map((e) => this.reload(e.entryId)));
  }

  private countReauth(entry: ConfigEntry, key: string): void {
    const recorded: Promise<void> = this.reauthCounts
      .add(key, this.clock.now())
      .catch((error: unknown) =>
        this.log(`${entry.domain} ${entry.title}: reauth not counted: ${String(error)}`),
      )
      .finally(() => this.recording.delete(recorded));
    this.recording.add(recorded);
  }

  private async onRemoved(entry: ConfigEntry): Promise<void> {
    await this.unloadLocked(entry.entryId).catch(() => {});
    this.slots.delete(entry.entryId);
    for (const f of this.manager.list({ entryId: entry.entryId, includeUninitialized: true })) {
      await this.manager.abort(f.flowId, 'entry_removed').catch(() => {});
    }
  }
}

type Kind = 'auth' | 'not_ready' | 'rate_limited' | 'error';

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Network failures and timeouts are not-ready even when an integration forgot to wrap them. */
function classify(error: unknown): Kind {
  if (error instanceof AuthFailed) return 'auth';
  if (error instanceof RateLimited) return 'rate_limited';
  if (error instanceof EntryNotReady) return 'not_ready';
  if (error instanceof EntryError) return 'error';
  const e = error as { name?: string; code?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'not_ready';
  if (NETWORK_CODES.has(e?.code ?? '') || NETWORK_CODES.has(e?.cause?.code ?? '')) return 'not_ready';
  if (e?.name === 'TypeError' && /fetch failed/i.test(String((error as Error).message))) return 'not_ready';
  return 'error';
}
