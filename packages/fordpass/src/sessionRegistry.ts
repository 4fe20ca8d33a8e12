import { join } from 'node:path';
import type { Clock } from '@configflow/core';
import { AccountSession } from './accountSession.ts';
import type { FordClient } from './fordClient.ts';
import { RequestBudget } from './requestBudget.ts';
import { TokenStore } from './tokenStore.ts';

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
  ) {}

  get(accountId: string): AccountSession {
    let session = this.sessions.get(accountId);
    if (!session) {
      session = new AccountSession(
        new TokenStore(this.storageDir, accountId),
        this.client,
        this.clock,
        new RequestBudget(
          this.requestsPerDay,
          () => this.clock.now(),
          join(this.storageDir, 'fordpass', `${accountId}.budget.json`),
        ),
      );
      this.sessions.set(accountId, session);
    }
    return session;
  }
}
