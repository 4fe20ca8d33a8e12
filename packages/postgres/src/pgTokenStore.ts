import type { Lock } from '@configflow/core';
// Types only: @configflow/fordpass is an optional peer, needed only by servers that run FordPass.
import type {
  AccountTokenStore,
  AccountTokens,
  LoadResult,
  SharedTokenStorage,
  StoredAccount,
} from '@configflow/fordpass';
import type pg from 'pg';
import { PgBudgetLedger } from './pgBudgetLedger.ts';

/**
 * One Ford account's tokens as a row. A rotation runs under the account's cross-process lock and
 * re-reads this row first, so of all the servers only one ever sends a given refresh token to Ford.
 */
export class PgTokenStore implements AccountTokenStore {
  readonly lockKey: string;
  constructor(
    private readonly pool: pg.Pool,
    readonly accountId: string,
  ) {
    this.lockKey = `fordpass:account:${accountId}`;
  }

  async load(): Promise<LoadResult> {
    const { rows } = await this.pool.query<{ body: unknown }>(
      'SELECT body FROM configflow_fordpass_tokens WHERE account_id = $1',
      [this.accountId],
    );
    if (rows.length === 0) return { ok: false, why: 'missing' };
    const tokens = rows[0]!.body;
    return isTokens(tokens) && tokens.accountId === this.accountId
      ? { ok: true, tokens }
      : { ok: false, why: 'corrupt' };
  }

  async save(tokens: AccountTokens): Promise<void> {
    await this.pool.query(
      `INSERT INTO configflow_fordpass_tokens (account_id, body) VALUES ($1, $2)
       ON CONFLICT (account_id) DO UPDATE SET body = EXCLUDED.body, updated_at = now()`,
      [this.accountId, tokens],
    );
  }

  async remove(): Promise<void> {
    await this.pool.query('DELETE FROM configflow_fordpass_tokens WHERE account_id = $1', [this.accountId]);
  }
}

/**
 * FordPass's `shared` option for servers on one database: tokens in rows, the account lock advisory,
 * each account's request budget a row all of them count in.
 */
export function pgTokenStorage(pool: pg.Pool, lock: Lock): SharedTokenStorage {
  return {
    tokens: (accountId) => new PgTokenStore(pool, accountId),
    async accounts(): Promise<StoredAccount[]> {
      const { rows } = await pool.query<{ body: unknown }>(
        'SELECT body FROM configflow_fordpass_tokens ORDER BY account_id',
      );
      const accounts: StoredAccount[] = [];
      for (const { body } of rows) {
        if (!isTokens(body)) continue;
        const { accountId, label, brand, region } = body;
        accounts.push({ accountId, label, brand, region });
      }
      return accounts;
    },
    lock,
    budget: (accountId) => new PgBudgetLedger(pool, accountId),
  };
}

/** The shape FordPass writes (its own schema validated it before `save`): a row changed by hand is corrupt. */
function isTokens(value: unknown): value is AccountTokens {
  const t = value as Partial<AccountTokens> | null;
  return (
    typeof t === 'object' &&
    t !== null &&
    t.version === 1 &&
    [t.accountId, t.catAccessToken, t.catRefreshToken, t.region].every(
      (s) => typeof s === 'string' && s !== '',
    ) &&
    typeof t.label === 'string' &&
    (t.brand === 'ford' || t.brand === 'lincoln') &&
    typeof t.catExpiresAt === 'number' &&
    typeof t.updatedAt === 'number'
  );
}
