import { join } from 'node:path';
import type { Clock, Lock } from '@configflow/core';
import { AccountSession } from './accountSession.ts';
import type { BudgetLedger } from './budgetLedger.ts';
import type { FordClient } from './fordClient.ts';
import { RequestBudget } from './requestBudget.ts';
import {
  type AccountTokenStore,
  checkWritable,
  listStoredAccounts,
  type StoredAccount,
  TokenStore,
} from './tokenStore.ts';

/**
 * Token storage that several servers share (e.g. `@configflow/postgres`'s): each account's tokens, the
 * accounts that have tokens, and an account lock that holds across processes, so only one of them
 * ever rotates an account's refresh token at a time. With `budget`, each account's request budget is
 * counted there too, across the servers; without it, per server in its data dir.
 */
export interface SharedTokenStorage {
  tokens(accountId: string): AccountTokenStore;
  accounts(): Promise<StoredAccount[]>;
  lock: Lock;
  budget?(accountId: string): BudgetLedger;
}

/**
 * One AccountSession per Ford account: every vehicle entry of the account (and the flows signing it in)
 * get the same instance, so they share in-memory tokens, the refresh lock and the request budget.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, AccountSession>();

  constructor(
    readonly storageDir: string,
    private readonly client: FordClient,
    private readonly clock: Clock,
    private readonly requestsPerDay: number,
    private readonly shared?: SharedTokenStorage,
  ) {}

  /** Accounts with tokens: what "add a vehicle to a signed-in account" offers. */
  storedAccounts(): Promise<StoredAccount[]> {
    return this.shared ? this.shared.accounts() : listStoredAccounts(this.storageDir);
  }

  /** Whether tokens can be kept (a shared store is writable while its database is there). */
  async writable(): Promise<boolean> {
    return this.shared ? true : checkWritable(this.storageDir);
  }

  get(accountId: string): AccountSession {
    let session = this.sessions.get(accountId);
    if (!session) {
      session = new AccountSession(
        this.shared?.tokens(accountId) ?? new TokenStore(this.storageDir, accountId),
        this.client,
        this.clock,
        new RequestBudget(
          this.requestsPerDay,
          () => this.clock.now(),
          this.shared?.budget?.(accountId) ?? join(this.storageDir, 'fordpass', `${accountId}.budget.json`),
        ),
        ...(this.shared ? [this.shared.lock] : []),
      );
      this.sessions.set(accountId, session);
    }
    return session;
  }
}
