import type { Clock, Lock } from '@configflow/core';
import { withAccountLock } from './accountLock.ts';
import type { VehiclesResponse } from './apiSchemas.ts';
import { DataUnauthorized, NoTokens, StillUnauthorized, TokenInvalid } from './errors.ts';
import type { FordClient } from './fordClient.ts';
import { findRegion, type Region } from './regions.ts';
import type { RequestBudget } from './requestBudget.ts';
import type { AccountTokenStore, AccountTokens } from './tokenStore.ts';

/** Refresh a little before Ford would reject the token (marq24 uses 7 s; a poll can take longer). */
const CAT_MARGIN_MS = 60_000;
const AUTONOMIC_MARGIN_MS = 15_000;

/**
 * Everything one Ford account shares between its vehicle entries: the token file, the in-memory copy,
 * the request budget, and the single-flight refresh. One instance per account per integration.
 */
export class AccountSession {
  private tokens: AccountTokens | undefined;
  /** A rotated pair that could not be written yet; never dropped, or the account would need a sign-in. */
  private unsaved: AccountTokens | undefined;
  private auto: { token: string; expiresAt: number; cat: string } | undefined;
  private autoInFlight: Promise<string> | undefined;

  constructor(
    readonly store: AccountTokenStore,
    private readonly client: FordClient,
    private readonly clock: Clock,
    readonly budget: RequestBudget,
    /** The account lock: module-wide by default; across processes for servers sharing a database. */
    private readonly lock: Lock = { withLock: withAccountLock },
  ) {}

  get accountId(): string {
    return this.store.accountId;
  }

  /** The account's tokens, read from disk on first use (a store loaded at start reflects the disk). */
  async current(): Promise<AccountTokens> {
    if (this.tokens) return this.tokens;
    return this.lock.withLock(this.store.lockKey, async () => this.readUnderLock());
  }

  async region(): Promise<Region> {
    const tokens = await this.current();
    const region = findRegion(tokens.region);
    if (!region) throw new NoTokens(`Unknown region "${tokens.region}" in the token store`);
    return region;
  }

  /** A CAT access token good for at least a minute, refreshing (once per account) when needed. */
  async catAccess(signal?: AbortSignal): Promise<string> {
    const tokens = await this.current();
    if (!this.expiring(tokens)) return tokens.catAccessToken;
    return (await this.refresh(undefined, signal)).catAccessToken;
  }

  /**
   * Single-flight refresh. Under the account lock the store is re-read: when another holder already
   * rotated the pair (the access token differs from `stale`, or is no longer expiring), its tokens are
   * used and Ford is not asked again. The rotated pair is saved before anything else sees it.
   */
  async refresh(stale: string | undefined, signal?: AbortSignal): Promise<AccountTokens> {
    return this.lock.withLock(this.store.lockKey, async () => {
      const tokens = await this.readUnderLock();
      const alreadyDone = stale === undefined ? !this.expiring(tokens) : tokens.catAccessToken !== stale;
      if (alreadyDone) return tokens;
      const region = findRegion(tokens.region);
      if (!region) throw new NoTokens(`Unknown region "${tokens.region}" in the token store`);
      // Ford refused this refresh token already (seen by another entry or server of the account):
      // presenting it again only spends the budget. Only a sign-in helps.
      if (tokens.refusedAt !== undefined)
        throw new TokenInvalid('Ford rejected the refresh token: sign in again');
      const pair = await this.client
        .refreshCat(region, tokens.catRefreshToken, { signal, budget: this.budget })
        .catch(async (error: unknown) => {
          if (error instanceof TokenInvalid) await this.markRefused(tokens);
          throw error;
        });
      const now = this.clock.now();
      const next: AccountTokens = {
        ...tokens,
        catAccessToken: pair.access_token,
        catRefreshToken: pair.refresh_token,
        catExpiresAt: now + pair.expires_in * 1000,
        catRefreshExpiresAt:
          pair.refresh_expires_in !== undefined
            ? now + pair.refresh_expires_in * 1000
            : tokens.catRefreshExpiresAt,
        updatedAt: now,
      };
      // The old refresh token is dead now: the new one must reach the disk before it is used at all.
      try {
        await this.store.save(next);
      } catch (error) {
        this.unsaved = next;
        this.tokens = next;
        throw error;
      }
      this.tokens = next;
      this.auto = undefined;
      return next;
    });
  }

  /** Replaces the account's tokens after a sign-in (new account, or reauth of this one). */
  async replace(tokens: AccountTokens): Promise<void> {
    await this.lock.withLock(this.store.lockKey, async () => {
      await this.store.save(tokens);
      this.tokens = tokens;
      this.unsaved = undefined;
      this.auto = undefined;
    });
  }

  async setRegion(region: string): Promise<void> {
    await this.lock.withLock(this.store.lockKey, async () => {
      const tokens = await this.readUnderLock();
      const next = { ...tokens, region, updatedAt: this.clock.now() };
      await this.store.save(next);
      this.tokens = next;
    });
  }

  /** The short-lived Autonomic token; concurrent pollers of the account share one exchange. */
  async autonomic(signal?: AbortSignal): Promise<string> {
    const cat = await this.catAccess(signal);
    const cached = this.auto;
    if (cached && cached.cat === cat && cached.expiresAt - AUTONOMIC_MARGIN_MS > this.clock.now()) {
      return cached.token;
    }
    this.autoInFlight ??= this.exchange(cat, signal).finally(() => {
      this.autoInFlight = undefined;
    });
    return this.autoInFlight;
  }

  /**
   * Runs a vehicle-plane request. A 401 gets exactly one refresh and retry; a second 401 is Ford's
   * 401 "wobbly" and reported as not-ready (the tokens are kept), never as a reauth.
   */
  async withAutonomic<T>(work: (token: string) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const token = await this.autonomic(signal);
    try {
      return await work(token);
    } catch (error) {
      if (!(error instanceof DataUnauthorized)) throw error;
    }
    await this.renew(signal);
    const again = await this.autonomic(signal);
    try {
      return await work(again);
    } catch (error) {
      if (error instanceof DataUnauthorized)
        throw new StillUnauthorized('Ford still answers 401 after a refresh');
      throw error;
    }
  }

  /** The account's vehicle list, with the same one-refresh rule for 401. */
  async vehicles(signal?: AbortSignal): Promise<VehiclesResponse> {
    const region = await this.region();
    const cat = await this.catAccess(signal);
    try {
      return await this.client.vehicles(region, cat, { signal, budget: this.budget });
    } catch (error) {
      if (!(error instanceof DataUnauthorized)) throw error;
    }
    const fresh = await this.refresh(cat, signal);
    try {
      return await this.client.vehicles(region, fresh.catAccessToken, { signal, budget: this.budget });
    } catch (error) {
      if (error instanceof DataUnauthorized)
        throw new StillUnauthorized('Ford still answers 401 after a refresh');
      throw error;
    }
  }

  /** Token metadata for diagnostics: expiry times, never the tokens. */
  describe(): Record<string, number | string | null | boolean> {
    const t = this.tokens;
    return {
      loaded: t !== undefined,
      region: t?.region ?? null,
      brand: t?.brand ?? null,
      catExpiresAt: t ? new Date(t.catExpiresAt).toISOString() : null,
      catRefreshExpiresAt: t?.catRefreshExpiresAt ? new Date(t.catRefreshExpiresAt).toISOString() : null,
      pairUpdatedAt: t ? new Date(t.updatedAt).toISOString() : null,
      autonomicValid: this.auto !== undefined && this.auto.expiresAt > this.clock.now(),
      unsavedRotation: this.unsaved !== undefined,
      refreshRefusedAt: t?.refusedAt !== undefined ? new Date(t.refusedAt).toISOString() : null,
    };
  }

  /** Forces a refresh of the access token that just got a 401 (unless someone already did). */
  private async renew(signal?: AbortSignal): Promise<void> {
    const stale = (await this.current()).catAccessToken;
    await this.refresh(stale, signal);
    this.auto = undefined;
  }

  private async exchange(cat: string, signal?: AbortSignal): Promise<string> {
    let reply: { access_token: string; expires_in: number };
    try {
      reply = await this.client.autonomicToken(cat, { signal, budget: this.budget });
    } catch (error) {
      if (!(error instanceof DataUnauthorized)) throw error;
      // Autonomic refused the CAT token: refresh it once, then exchange again.
      const fresh = await this.refresh(cat, signal);
      try {
        reply = await this.client.autonomicToken(fresh.catAccessToken, { signal, budget: this.budget });
      } catch (again) {
        if (again instanceof DataUnauthorized)
          throw new StillUnauthorized('Autonomic still refuses the token');
        throw again;
      }
      cat = fresh.catAccessToken;
    }
    this.auto = { token: reply.access_token, expiresAt: this.clock.now() + reply.expires_in * 1000, cat };
    return reply.access_token;
  }

  /** Keeps Ford's refusal with the pair (best effort: without it, the next holder asks Ford once more). */
  private async markRefused(tokens: AccountTokens): Promise<void> {
    const refused = { ...tokens, refusedAt: this.clock.now() };
    await this.store.save(refused).then(
      () => {
        this.tokens = refused;
      },
      () => {},
    );
  }

  private expiring(tokens: AccountTokens): boolean {
    return this.clock.now() + CAT_MARGIN_MS >= tokens.catExpiresAt;
  }

  /** Reads the disk (or the pair that could not be written yet); the caller holds the account lock. */
  private async readUnderLock(): Promise<AccountTokens> {
    if (this.unsaved) {
      const pending = this.unsaved;
      try {
        await this.store.save(pending);
        this.unsaved = undefined;
      } catch {
        // still not writable: keep using the in-memory pair
      }
      this.tokens = pending;
      return pending;
    }
    const loaded = await this.store.load();
    if (!loaded.ok) {
      this.tokens = undefined;
      throw new NoTokens(
        loaded.why === 'missing'
          ? 'No FordPass tokens are stored for this account: sign in again'
          : 'The FordPass token file is unreadable: sign in again',
      );
    }
    if (this.tokens?.catAccessToken !== loaded.tokens.catAccessToken) this.auto = undefined;
    this.tokens = loaded.tokens;
    return loaded.tokens;
  }
}
