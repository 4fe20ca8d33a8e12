import type { Account } from './accounts.ts';
import type { SimState } from './state.ts';
import type { Brand } from './tokens.ts';

export interface SignInRequest {
  username: string;
  password: string;
  codeChallenge: string;
  clientId: string;
  redirectUri: string;
  brand: Brand;
  /** OAuth `state`, echoed on the redirect when the client sent one. */
  state?: string;
}

export interface SignInResult {
  account: Account;
  code: string;
  redirectUrl: string;
}

/**
 * Checks the credentials and issues a single-use code bound to the PKCE challenge, as B2C does at the
 * end of its sign-in pages. Shared by the HTML authorize form and the scripted `/_sim/login`.
 */
export function signIn(sim: SimState, request: SignInRequest): SignInResult | undefined {
  const account = sim.accounts.verify(request.username, request.password);
  if (!account) return undefined;
  const code = sim.tokens.issueCode(account, {
    codeChallenge: request.codeChallenge,
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    brand: request.brand,
  });
  return { account, code, redirectUrl: buildRedirectUrl(request.redirectUri, code, request.state) };
}

/** `fordapp://userauthorized/?code=…`, the exact form users paste into the integrations. */
export function buildRedirectUrl(redirectUri: string, code: string, state?: string): string {
  const base = redirectUri.endsWith('/') ? redirectUri : `${redirectUri}/`;
  const query = new URLSearchParams({ code });
  if (state !== undefined && state !== '') query.set('state', state);
  return `${base}?${query.toString()}`;
}
