import type { Clock } from '@configflow/core';
import { ApiChanged } from './errors.ts';
import type { FordClient } from './fordClient.ts';
import { stringClaim } from './jwtClaims.ts';
import type { Region } from './regions.ts';
import type { RequestBudget } from './requestBudget.ts';
import type { AccountTokens } from './tokenStore.ts';

/**
 * Code → B2C tokens → CAT pair, and the account's identity. The account id is the subject Ford puts in
 * its tokens, so the same person signing in again maps to the same token store, whatever e-mail
 * spelling they use, and another person's sign-in can be told apart (`wrong_account`).
 */
export async function signIn(
  client: FordClient,
  clock: Clock,
  region: Region,
  code: string,
  verifier: string,
  signal?: AbortSignal,
  budgetFor?: (accountId: string) => RequestBudget,
): Promise<AccountTokens> {
  const b2c = await client.exchangeCode(region, code, verifier, { signal });
  // Ford charges the CAT request to the account: the B2C tokens already name it, so charge it first.
  const subject = stringClaim(b2c.id_token, 'sub') ?? stringClaim(b2c.access_token, 'sub');
  const budget = subject ? budgetFor?.(subject) : undefined;
  const cat = await client.catFromB2c(region, b2c.access_token, { signal, budget });
  const accountId =
    stringClaim(cat.access_token, 'sub') ??
    stringClaim(b2c.id_token, 'sub') ??
    stringClaim(b2c.access_token, 'sub');
  if (!accountId) throw new ApiChanged('cat', 'no subject in the tokens');
  const label =
    stringClaim(b2c.id_token, 'email') ??
    stringClaim(b2c.access_token, 'email') ??
    stringClaim(b2c.id_token, 'name') ??
    accountId;
  const now = clock.now();
  return {
    version: 1,
    accountId,
    label,
    brand: region.brand,
    region: region.key,
    catAccessToken: cat.access_token,
    catRefreshToken: cat.refresh_token,
    catExpiresAt: now + cat.expires_in * 1000,
    catRefreshExpiresAt: cat.refresh_expires_in !== undefined ? now + cat.refresh_expires_in * 1000 : null,
    updatedAt: now,
  };
}
