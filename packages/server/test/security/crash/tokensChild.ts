/**
 * A FordPass account's token store at work until it is SIGKILLed: a sign-in, then refreshes (each
 * rotates Ford's refresh token) and now and then a sign-in again (a reauth), through the adapter's own
 * AccountSession. Each save is acknowledged on stdout only after it resolved.
 *
 *   tokensChild.ts <dataDir> <seed> <fordUrl>
 */
// Straight from the files, not the package indexes: a child that starts in a blink gets more kills.
import { systemClock } from '../../../../core/src/clock.ts';
import { browserSignIn } from '../../../../ford-simulator/src/browserSignIn.ts';
import { AccountSession } from '../../../../fordpass/src/accountSession.ts';
import { buildAuthorizeUrl } from '../../../../fordpass/src/authorizeUrl.ts';
import { sameOrigin } from '../../../../fordpass/src/baseUrls.ts';
import { FordClient } from '../../../../fordpass/src/fordClient.ts';
import { parsePastedRedirect } from '../../../../fordpass/src/pastedUrl.ts';
import { codeChallenge, newCodeVerifier } from '../../../../fordpass/src/pkce.ts';
import { findRegion } from '../../../../fordpass/src/regions.ts';
import { RequestBudget } from '../../../../fordpass/src/requestBudget.ts';
import { signIn } from '../../../../fordpass/src/signIn.ts';
import { TokenStore } from '../../../../fordpass/src/tokenStore.ts';
import { ack, random, tokenId } from './childSupport.ts';

export const CRASH_ACCOUNT = { username: 'crash@example.com', password: 'crash-pass' };
const [dataDir, , fordUrl] = process.argv.slice(2) as [string, string, string];

async function main(): Promise<never> {
  const urls = sameOrigin(fordUrl!);
  const client = new FordClient({ urls });
  const region = findRegion('deu')!;
  const budget = new RequestBudget(Number.POSITIVE_INFINITY);
  const signInAgain = async () => {
    const verifier = newCodeVerifier();
    const authorize = buildAuthorizeUrl(urls, region, await codeChallenge(verifier));
    const pasted = parsePastedRedirect(await browserSignIn(fordUrl!, authorize, CRASH_ACCOUNT), region.brand);
    if (!pasted.ok) throw new Error(`sign-in: ${pasted.error}`);
    return signIn(client, systemClock, region, pasted.code, verifier);
  };
  let session: AccountSession | undefined;
  const accountId = process.env.CRASH_ACCOUNT_ID;
  if (accountId) {
    session = new AccountSession(new TokenStore(dataDir, accountId), client, systemClock, budget);
    // A restart after a crash: the stored pair must still work, or the user would have to sign in.
    await session.current();
  }
  ack('ready');
  for (;;) {
    if (!session || random() < 0.2) {
      const fresh = await signInAgain();
      session ??= new AccountSession(new TokenStore(dataDir, fresh.accountId), client, systemClock, budget);
      await session.replace(fresh);
      ack(`S ${fresh.accountId} ${tokenId(fresh.catRefreshToken)}`);
    } else {
      const current = await session.current();
      const next = await session.refresh(current.catAccessToken);
      ack(`R ${next.accountId} ${tokenId(next.catRefreshToken)}`);
    }
  }
}

await main();
