import { randomUUID } from 'node:crypto';
import { b2cSignInPage } from '../b2cSignIn.ts';
import { isoAt } from '../clock.ts';
import { B2C_TENANT, FORD_CLIENT_ID, REDIRECT_URIS } from '../constants.ts';
import { pkceChallenge } from '../encoding.ts';
import { errorPage, signedInPage, signInPage } from '../html.ts';
import { header, html, json, type SimResponse } from '../http.ts';
import { looksLikeJwe } from '../jwt.ts';
import type { FordRoute, RequestContext } from '../route.ts';
import { buildRedirectUrl, signIn } from '../signIn.ts';
import type { Brand } from '../tokens.ts';

// Any locale segment, with or without Lincoln's policy infix: B2C_1A_SignInSignUp_[Lincoln_]<locale>.
const POLICY = 'B2C_1A_SignInSignUp_(?:Lincoln_)?[A-Za-z0-9_-]+';
const AUTHORIZE = new RegExp(`^/${B2C_TENANT}/(?<policy>${POLICY})/oauth2/v2\\.0/authorize$`, 'i');
const SELF_ASSERTED = new RegExp(`^/${B2C_TENANT}/(?<policy>${POLICY})/SelfAsserted$`, 'i');
const CONFIRMED = new RegExp(
  `^/${B2C_TENANT}/(?<policy>${POLICY})/api/CombinedSigninAndSignup/confirmed$`,
  'i',
);
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
  if (ctx.method === 'GET' && ctx.sim.config.signInPage === 'b2c') {
    const transaction = ctx.sim.b2c.begin({
      policy,
      brand,
      clientId: valid.clientId,
      redirectUri: valid.redirectUri,
      codeChallenge: valid.codeChallenge,
      ...(valid.state ? { state: valid.state } : {}),
    });
    return html(200, b2cSignInPage(`/${B2C_TENANT}/${policy}`, transaction, brandName));
  }
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

/**
 * `POST {policy}/SelfAsserted?tx=…&p=…` (form `signInName`, `password`; header `X-Csrf-Token`): B2C's
 * credential check. Always HTTP 200: `{ status: "200" }`, or `{ status: "400", message }` for wrong
 * credentials (itchannel tests/test_credential_login.py).
 */
export const selfAssertedRoute: FordRoute = {
  kind: 'ford',
  name: 'authorize',
  methods: ['POST'],
  pattern: SELF_ASSERTED,
  identify: (ctx) => {
    const username = ctx.form().get('signInName');
    return username ? ctx.sim.accounts.get(username) : undefined;
  },
  handle: (ctx) => {
    const transaction = ctx.sim.b2c.get(ctx.query.get('tx'));
    if (!transaction || header(ctx.req, 'x-csrf-token') !== transaction.csrf) {
      return json(200, {
        status: '400',
        errorCode: 'AADB2C90238',
        message: 'The provided transaction is invalid.',
      });
    }
    const form = ctx.form();
    const account = ctx.sim.accounts.verify(form.get('signInName') ?? '', form.get('password') ?? '');
    if (!account) {
      return json(200, {
        status: '400',
        errorCode: 'AADB2C90225',
        message: 'The username or password provided in the request are invalid.',
      });
    }
    transaction.account = account;
    return json(200, { status: '200' });
  },
};

/**
 * `GET {policy}/api/CombinedSigninAndSignup/confirmed?rememberMe=false&csrf_token=…&tx=…&p=…`: the end
 * of a B2C sign-in, a 302 to `fordapp://userauthorized/?code=…` (the navigation a browser then fails).
 */
export const confirmedRoute: FordRoute = {
  kind: 'ford',
  name: 'authorize',
  methods: ['GET'],
  pattern: CONFIRMED,
  identify: (ctx) => ctx.sim.b2c.get(ctx.query.get('tx'))?.account,
  handle: (ctx) => {
    const transaction = ctx.sim.b2c.get(ctx.query.get('tx'));
    if (!transaction?.account || ctx.query.get('csrf_token') !== transaction.csrf) {
      return html(
        400,
        errorPage('AADB2C90238: The provided transaction is invalid or has not been signed in.'),
      );
    }
    ctx.sim.b2c.end(transaction.tx);
    const code = ctx.sim.tokens.issueCode(transaction.account, {
      codeChallenge: transaction.codeChallenge,
      clientId: transaction.clientId,
      redirectUri: transaction.redirectUri,
      brand: transaction.brand,
    });
    return {
      status: 302,
      headers: { location: buildRedirectUrl(transaction.redirectUri, code, transaction.state) },
      text: '',
    };
  },
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
