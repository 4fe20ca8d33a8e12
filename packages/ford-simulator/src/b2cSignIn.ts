import { randomBytes } from 'node:crypto';
import type { Account } from './accounts.ts';
import { escapeHtml } from './html.ts';
import type { Brand } from './tokens.ts';

/** A sign-in begun on the B2C-like page: what the authorize query asked for, and who has signed in. */
export interface B2cTransaction {
  readonly tx: string;
  readonly csrf: string;
  readonly policy: string;
  readonly brand: Brand;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly state?: string;
  account?: Account;
}

/**
 * B2C's sign-in transactions (itchannel 3ae97ef `auth()`): the page carries `transId` and `csrf` in
 * `var SETTINGS`, the credentials go to `SelfAsserted` with `X-Csrf-Token`, and
 * `CombinedSigninAndSignup/confirmed` redirects to the app. Bounded, oldest dropped first.
 */
export class B2cTransactions {
  readonly #byTx = new Map<string, B2cTransaction>();

  begin(input: Omit<B2cTransaction, 'tx' | 'csrf' | 'account'>): B2cTransaction {
    const transaction: B2cTransaction = {
      ...input,
      tx: `StateProperties=${randomBytes(24).toString('base64url')}`,
      csrf: randomBytes(24).toString('base64url'),
    };
    this.#byTx.set(transaction.tx, transaction);
    if (this.#byTx.size > 1000) this.#byTx.delete(this.#byTx.keys().next().value!);
    return transaction;
  }

  get(tx: string | null): B2cTransaction | undefined {
    return tx ? this.#byTx.get(tx) : undefined;
  }

  end(tx: string): void {
    this.#byTx.delete(tx);
  }

  clear(): void {
    this.#byTx.clear();
  }
}

/** The B2C-like page: `var SETTINGS` and a form whose script posts SelfAsserted, then navigates on. */
export function b2cSignInPage(base: string, t: B2cTransaction, brandName: string): string {
  const settings = JSON.stringify({
    transId: t.tx,
    csrf: t.csrf,
    api: 'CombinedSigninAndSignup',
    hosts: { tenant: base, policy: t.policy },
  }).replaceAll('<', '\\u003c');
  const query = `tx=${encodeURIComponent(t.tx)}&p=${encodeURIComponent(t.policy)}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign In - ${escapeHtml(brandName)}</title>
<script>var SETTINGS = ${settings};</script></head>
<body>
<h1>Sign in to your ${escapeHtml(brandName)} account</h1>
<p class="error" id="error" role="alert" hidden></p>
<form id="localAccountForm">
<label for="signInName">Email address</label><input type="email" id="signInName" name="signInName" required>
<label for="password">Password</label><input type="password" id="password" name="password" required>
<button type="submit" id="next">Sign in</button>
</form>
<script>
document.getElementById('localAccountForm').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new URLSearchParams({ request_type: 'RESPONSE', signInName: signInName.value, password: password.value });
  const res = await fetch('${base}/SelfAsserted?${query}', { method: 'POST', body: form, headers: { 'X-Csrf-Token': SETTINGS.csrf } });
  const answer = await res.json();
  if (answer.status !== '200') { const e = document.getElementById('error'); e.textContent = answer.message; e.hidden = false; return; }
  location.href = '${base}/api/CombinedSigninAndSignup/confirmed?rememberMe=false&csrf_token=' + encodeURIComponent(SETTINGS.csrf) + '&${query}';
});
</script>
</body></html>
`;
}
