import { randomUUID } from 'node:crypto';
import { isoAt } from '../clock.ts';
import { B2C_TENANT, FORD_CLIENT_ID, REDIRECT_URIS } from '../constants.ts';
import { pkceChallenge } from '../encoding.ts';
import { errorPage, signedInPage, signInPage } from '../html.ts';
import { html, json, type SimResponse } from '../http.ts';
import { looksLikeJwe } from '../jwt.ts';
import type { FordRoute, RequestContext } from '../route.ts';
import { signIn } from '../signIn.ts';
import type { Brand } from '../tokens.ts';

// Any locale segment, with or without Lincoln's policy infix: B2C_1A_SignInSignUp_[Lincoln_]<locale>.
const POLICY = 'B2C_1A_SignInSignUp_(?:Lincoln_)?[A-Za-z0-9_-]+';
const AUTHORIZE = new RegExp(`^/${B2C_TENANT}/(?<policy>${POLICY})/oauth2/v2\\.0/authorize$`, 'i');
const TOKEN = new RegExp(`^/${B2C_TENANT}/(?<policy>${POLICY})/oauth2/v2\\.0/token$`, 'i');
const CHALLENGE = /^[A-Za-z0-9_-]{43,128}$/;

function brandOf(policy: string): Brand {
  return /_Lincoln_/i.test(policy) ? 'lincoln' : 'ford';
}

interface AuthorizeParams {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  state?: string;
}

/** Checks the authorize query the way B2C does before it shows the sign-in page. */
function validateAuthorize(params: URLSearchParams): AuthorizeParams | string {
  const clientId = params.get('client_id');
  if (!clientId) return "AADB2C90014: The required field 'client_id' is missing.";
  if (clientId !== FORD_CLIENT_ID) {
    return `AADB2C90057: The provided application '${clientId}' is not configured in this tenant.`;
  }
  const redirectUri = params.get('redirect_uri') ?? '';
  if (!(REDIRECT_URIS as readonly string[]).includes(redirectUri)) {
    return `AADB2C90006: The redirect URI '${redirectUri}' provided in the request is not registered for the client id '${clientId}'.`;
  }
  const responseType = params.get('response_type');
  if (responseType !== 'code') {
    return `AADB2C90079: The response_type '${responseType ?? ''}' is not supported; use 'code'.`;
  }
  const method = params.get('code_challenge_method');
  if (method !== 'S256') {
    return `AADB2C90184: The code_challenge_method '${method ?? ''}' is not supported; only 'S256' is accepted.`;
  }
  const codeChallenge = params.get('code_challenge') ?? '';
  if (!CHALLENGE.test(codeChallenge)) {
    return 'AADB2C90183: The code_challenge must be the 43-128 character base64url S256 challenge.';
  }
  const state = params.get('state');
  return { clientId, redirectUri, codeChallenge, ...(state ? { state } : {}) };
}

/** Query parameters carried through the form as hidden fields (credentials never are). */
function carried(params: URLSearchParams): Record<string, string> {
  const hidden: Record<string, string> = {};
  for (const [name, value] of params) if (name !== 'username' && name !== 'password') hidden[name] = value;
  return hidden;
}

function authorize(ctx: RequestContext): SimResponse {
  const policy = ctx.params.policy!;
  const brand = brandOf(policy);
  const brandName = brand === 'lincoln' ? 'Lincoln' : 'Ford';
  // The form posts to the same path with the query in hidden fields; form values win over the query.
  const params = new URLSearchParams(ctx.query);
  const form = ctx.method === 'POST' ? ctx.form() : new URLSearchParams();
  for (const [name, value] of form) params.set(name, value);

  const valid = validateAuthorize(params);
  if (typeof valid === 'string') return html(400, errorPage(valid));
  const hidden = carried(params);
  if (ctx.method === 'GET') return html(200, signInPage({ action: ctx.path, brandName, hidden }));

  const username = form.get('username') ?? '';
  const result = signIn(ctx.sim, {
    username,
    password: form.get('password') ?? '',
    codeChallenge: valid.codeChallenge,
    clientId: valid.clientId,
    redirectUri: valid.redirectUri,
    brand,
    ...(valid.state ? { state: valid.state } : {}),
  });
  if (!result) {
    return html(
      200,
      signInPage({ action: ctx.path, brandName, hidden, username, error: 'Invalid username or password.' }),
    );
  }
  return html(200, signedInPage(result.redirectUrl, valid.redirectUri.split(':')[0]!));
}

export const authorizeRoute: FordRoute = {
  kind: 'ford',
  name: 'authorize',
  methods: ['GET', 'POST'],
  pattern: AUTHORIZE,
  identify: (ctx) => {
    const username = ctx.method === 'POST' ? ctx.form().get('username') : null;
    return username ? ctx.sim.accounts.get(username) : undefined;
  },
  handle: authorize,
};

function b2cError(ctx: RequestContext, error: string, description: string): SimResponse {
  // Azure appends a correlation id and timestamp to every description.
  const suffix = `\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${isoAt(ctx.sim.now()).replace('T', ' ').slice(0, 19)}Z`;
  return json(400, { error, error_description: `${description}${suffix}` });
}

function exchangeCode(ctx: RequestContext): SimResponse {
  const form = ctx.form();
  const grantType = form.get('grant_type');
  if (grantType !== 'authorization_code') {
    return b2cError(
      ctx,
      'unsupported_grant_type',
      `AADB2C90086: The supplied grant_type [${grantType ?? ''}] is not supported.`,
    );
  }
  const clientId = form.get('client_id');
  if (!clientId)
    return b2cError(ctx, 'invalid_request', "AADB2C90014: The required field 'client_id' is missing.");
  const code = form.get('code');
  if (!code) return b2cError(ctx, 'invalid_request', "AADB2C90014: The required field 'code' is missing.");

  const notJwe =
    'AADB2C90090: The provided JWE is not a valid 5 segment token. Copy the whole redirect URL; it may have been truncated.';
  if (!looksLikeJwe(code)) return b2cError(ctx, 'invalid_grant', notJwe);
  const check = ctx.sim.tokens.check(code, 'code');
  if (!check.ok) {
    switch (check.reason) {
      case 'unknown':
      case 'wrong-kind':
        // A code we never issued (e.g. cut short mid-segment) cannot be decrypted.
        return b2cError(ctx, 'invalid_grant', notJwe);
      case 'expired':
        return b2cError(
          ctx,
          'invalid_grant',
          'AADB2C90080: The provided grant has expired. Please re-authenticate and try again.',
        );
      case 'revoked':
        return b2cError(
          ctx,
          'invalid_grant',
          'AADB2C90088: The provided grant has been revoked. Please reauthenticate and try again.',
        );
      case 'consumed':
        return b2cError(
          ctx,
          'invalid_grant',
          'AADB2C90088: The provided grant has not been issued for this endpoint or has already been redeemed.',
        );
    }
  }
  const { record, account } = check;
  const binding = record.binding!;
  const policy = ctx.params.policy!;
  if (binding.clientId !== clientId || binding.brand !== brandOf(policy)) {
    return b2cError(
      ctx,
      'invalid_grant',
      `AADB2C90088: The provided grant has not been issued for this endpoint. Actual Value : ${policy} and Expected Value : the policy and client of the sign-in.`,
    );
  }
  const redirectUri = form.get('redirect_uri');
  if (redirectUri !== null && redirectUri !== binding.redirectUri) {
    return b2cError(
      ctx,
      'invalid_request',
      `AADB2C90006: The redirect URI '${redirectUri}' does not match the one the code was issued for.`,
    );
  }
  // A failed PKCE check still uses the code up: the user has to sign in again for a fresh one.
  record.consumed = true;
  const verifier = form.get('code_verifier') ?? '';
  if (pkceChallenge(verifier) !== binding.codeChallenge) {
    return b2cError(ctx, 'invalid_grant', 'AADB2C90183: The supplied code_verifier is invalid.');
  }
  return json(200, ctx.sim.tokens.issueB2c(account, policy, form.get('resource') ?? ''));
}

export const tokenRoute: FordRoute = {
  kind: 'ford',
  name: 'token',
  methods: ['POST'],
  pattern: TOKEN,
  identify: (ctx) => ctx.sim.tokens.owner(ctx.form().get('code') ?? undefined),
  handle: exchangeCode,
};
