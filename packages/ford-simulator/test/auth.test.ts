import { describe, expect, it } from 'vitest';
import {
  APPLICATION_IDS,
  applicationIdFor,
  B2C_TENANT,
  browserSignIn,
  createCodeVerifier,
  decodeJwt,
  FORD_CLIENT_ID,
  pkceChallenge,
} from '../src/index.ts';
import {
  autonomic,
  call,
  cat,
  codeOf,
  createAccount,
  exchange,
  POLICY,
  refresh,
  START,
  scriptedLogin,
  signedIn,
  startSim,
  status,
} from './helpers.ts';

const authorizeQuery = (challenge: string, overrides: Record<string, string> = {}) =>
  new URLSearchParams({
    redirect_uri: 'fordapp://userauthorized',
    response_type: 'code',
    max_age: '3600',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: ` ${FORD_CLIENT_ID} openid`,
    client_id: FORD_CLIENT_ID,
    ui_locales: 'de-DE',
    language_code: 'de-DE',
    ford_application_id: '667D773E-1BDC-4139-8AD0-2B16474E8DC7',
    country_code: 'DEU',
    ...overrides,
  });

/** The hidden fields of the sign-in form, as a browser would post them. */
function hiddenFields(page: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1]!] = match[2]!.replaceAll('&amp;', '&').replaceAll('&quot;', '"');
  }
  return fields;
}

describe('B2C sign-in and code exchange', () => {
  it('issues JWT-looking tokens carrying the account subject', async () => {
    const sim = await startSim();
    const account = await createAccount(sim);
    const { code, verifier, redirectUrl } = await scriptedLogin(sim);
    expect(redirectUrl.startsWith('fordapp://userauthorized/?code=')).toBe(true);
    expect(code.split('.')).toHaveLength(5);
    expect(code.length).toBeGreaterThan(900);

    const res = await exchange(sim, code, verifier);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 1800,
      not_before: START,
      resource: '',
    });
    expect(res.body.expires_on).toBe(START + 1800);
    expect(typeof res.body.refresh_token).toBe('string');
    for (const token of [res.body.access_token, res.body.id_token]) {
      const payload = decodeJwt(token)!.payload;
      expect(payload).toMatchObject({ sub: account.subject, email: 'driver@example.com', country: 'deu' });
      expect(payload.iat).toBe(START);
      expect(payload.exp).toBe(START + 1800);
    }
  });

  it('signs in through the HTML authorize page', async () => {
    const sim = await startSim();
    await createAccount(sim);
    const verifier = createCodeVerifier();
    const path = `/${B2C_TENANT}/B2C_1A_SignInSignUp_de-DE/oauth2/v2.0/authorize`;
    const page = await call(sim, `${path}?${authorizeQuery(pkceChallenge(verifier))}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('name="password"');
    const hidden = hiddenFields(page.text);
    expect(hidden.code_challenge).toBe(pkceChallenge(verifier));
    expect(hidden.country_code).toBe('DEU');

    const wrong = await call(sim, path, {
      form: { ...hidden, username: 'driver@example.com', password: 'nope' },
    });
    expect(wrong.status).toBe(200);
    expect(wrong.text).toContain('Invalid username or password');
    expect(wrong.text).not.toContain('redirect-url');

    const right = await call(sim, path, {
      form: { ...hidden, username: 'driver@example.com', password: 'secret' },
    });
    expect(right.status).toBe(200);
    const url = /<textarea id="redirect-url"[^>]*>([^<]+)<\/textarea>/.exec(right.text)?.[1];
    expect(url?.startsWith('fordapp://userauthorized/?code=')).toBe(true);
    expect(right.text).toMatch(/cannot open the <code>fordapp:\/\/<\/code>/);
    expect((await exchange(sim, codeOf(url!), verifier)).status).toBe(200);
  });

  it('serves the Lincoln policy with the lincolnapp scheme', async () => {
    const sim = await startSim();
    await createAccount(sim);
    const verifier = createCodeVerifier();
    const policy = 'B2C_1A_SignInSignUp_Lincoln_en-US';
    const query = authorizeQuery(pkceChallenge(verifier), { redirect_uri: 'lincolnapp://userauthorized' });
    const path = `/${B2C_TENANT}/${policy}/oauth2/v2.0/authorize`;
    const right = await call(sim, `${path}?${query}`, {
      form: { username: 'driver@example.com', password: 'secret' },
    });
    const url = /<textarea id="redirect-url"[^>]*>([^<]+)<\/textarea>/.exec(right.text)![1]!;
    expect(url.startsWith('lincolnapp://userauthorized/?code=')).toBe(true);
    const res = await call(sim, `/${B2C_TENANT}/${policy}/oauth2/v2.0/token`, {
      form: {
        client_id: FORD_CLIENT_ID,
        grant_type: 'authorization_code',
        code: codeOf(url),
        code_verifier: verifier,
        redirect_uri: 'lincolnapp://userauthorized',
      },
    });
    expect(res.status).toBe(200);
  });

  it('rejects a plain code_challenge_method with an HTML error page', async () => {
    const sim = await startSim();
    const query = authorizeQuery(pkceChallenge(createCodeVerifier()), { code_challenge_method: 'plain' });
    const res = await call(sim, `/${B2C_TENANT}/B2C_1A_SignInSignUp_en-US/oauth2/v2.0/authorize?${query}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text).toContain('S256');
  });

  it('answers AADB2C90090 for truncated or garbled codes', async () => {
    const sim = await startSim();
    await createAccount(sim);
    const { code, verifier } = await scriptedLogin(sim);
    const segments = code.split('.');
    const attempts = [
      code.slice(0, 200),
      code.slice(0, -5),
      `${code.slice(0, 300)}…`,
      segments.slice(0, 4).join('.'),
      `${code}.extra`,
    ];
    for (const attempt of attempts) {
      const res = await exchange(sim, attempt, verifier);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
      expect(res.body.error_description).toMatch(/^AADB2C90090:/);
    }
    // The garbled attempts did not use the real code up.
    expect((await exchange(sim, code, verifier)).status).toBe(200);
  });

  it('answers AADB2C90183 for a wrong verifier and AADB2C90088 for a reused code', async () => {
    const sim = await startSim();
    await createAccount(sim);
    const first = await scriptedLogin(sim);
    const wrong = await exchange(sim, first.code, createCodeVerifier());
    expect(wrong.status).toBe(400);
    expect(wrong.body.error_description).toMatch(/^AADB2C90183:/);

    const second = await scriptedLogin(sim);
    expect((await exchange(sim, second.code, second.verifier)).status).toBe(200);
    const reused = await exchange(sim, second.code, second.verifier);
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ error: 'invalid_grant' });
    expect(reused.body.error_description).toMatch(/^AADB2C90088:/);
  });

  it('expires codes after codeTtlSeconds of simulated time', async () => {
    const sim = await startSim({ codeTtlSeconds: 600 });
    await createAccount(sim);
    const fresh = await scriptedLogin(sim);
    const stale = await scriptedLogin(sim);
    sim.clock.advance(599);
    expect((await exchange(sim, fresh.code, fresh.verifier)).status).toBe(200);
    sim.clock.advance(1);
    const expired = await exchange(sim, stale.code, stale.verifier);
    expect(expired.status).toBe(400);
    expect(expired.body.error_description).toMatch(/^AADB2C90080:/);
  });

  it('rejects wrong credentials on the scripted login', async () => {
    const sim = await startSim();
    await createAccount(sim);
    const res = await call(sim, '/_sim/login', {
      json: {
        username: 'driver@example.com',
        password: 'nope',
        codeChallenge: pkceChallenge(createCodeVerifier()),
      },
    });
    expect(res.status).toBe(401);
  });

  it('browserSignIn follows an authorize URL to the redirect a user pastes back, whose code exchanges', async () => {
    const sim = await startSim();
    await createAccount(sim);
    const verifier = createCodeVerifier();
    const authorizeUrl = `${sim.url}/${B2C_TENANT}/oauth2/v2.0/authorize?${authorizeQuery(pkceChallenge(verifier))}`;
    const redirect = await browserSignIn(sim.url, authorizeUrl, {
      username: 'driver@example.com',
      password: 'secret',
    });
    expect(redirect).toMatch(/^fordapp:\/\/userauthorized\/?\?code=/);
    expect((await exchange(sim, codeOf(redirect), verifier)).status).toBe(200);
    await expect(
      browserSignIn(sim.url, authorizeUrl, { username: 'driver@example.com', password: 'nope' }),
    ).rejects.toThrow('/_sim/login answered 401 for driver@example.com');
  });
});

describe('CAT and Autonomic tokens', () => {
  it('rotates refresh tokens; the old one gets 400 with errorCode 460 (as Ford), 401 as an option', async () => {
    const sim = await startSim();
    const account = await createAccount(sim);
    const { code, verifier } = await scriptedLogin(sim);
    const b2c = (await exchange(sim, code, verifier)).body;
    const first = await cat(sim, b2c.access_token);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ expires_in: 1800, refresh_expires_in: 90 * 86_400 });
    expect(decodeJwt(first.body.access_token)!.payload.sub).toBe(account.subject);

    const second = await refresh(sim, first.body.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    expect(second.body.access_token).not.toBe(first.body.access_token);

    const old = await refresh(sim, first.body.refresh_token);
    expect(old.status).toBe(400);
    expect(old.body).toMatchObject({ message: 'Invalid or Expired Token', errorCode: '460' });
    expect(Number.isNaN(Date.parse(old.body.timestamp))).toBe(false);
    // Ford's timestamp has nanoseconds: 2025-06-09T07:02:44.048994479Z.
    expect(old.body.timestamp).toMatch(/\.\d{9}Z$/);
    expect((await refresh(sim, second.body.refresh_token)).status).toBe(200);

    const variant = await startSim({ refreshRejectStatus: 401 });
    const { cat: pair } = await signedIn(variant);
    await refresh(variant, pair.refresh_token);
    const rejected = await refresh(variant, pair.refresh_token);
    expect(rejected.status).toBe(401);
    expect(rejected.body.errorCode).toBe('460');

    const malformed = await call(sim, '/api/token/v2/cat-with-refresh-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
  });

  it('lets exactly one of two racing refreshes with the same token win', async () => {
    const sim = await startSim();
    const { cat: pair } = await signedIn(sim);
    const results = await Promise.all([refresh(sim, pair.refresh_token), refresh(sim, pair.refresh_token)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(results.find((r) => r.status === 400)!.body.errorCode).toBe('460');
    expect(sim.state.stats().refreshes).toBe(1);
  });

  it('expires refresh tokens on the simulated clock', async () => {
    const sim = await startSim({ catRefreshTtlSeconds: 3600 });
    const { cat: pair } = await signedIn(sim);
    sim.clock.advance(3600);
    const res = await refresh(sim, pair.refresh_token);
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('460');
  });

  it('kills every token of a revoked account', async () => {
    const sim = await startSim();
    const { cat: pair, auto } = await signedIn(sim);
    expect((await call(sim, '/_sim/revoke', { json: { username: 'driver@example.com' } })).status).toBe(200);
    const res = await refresh(sim, pair.refresh_token);
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('460');
    expect((await autonomic(sim, pair.access_token)).status).toBe(401);
    expect((await status(sim, auto.access_token)).status).toBe(401);
    // Signing in again works.
    const again = await scriptedLogin(sim);
    expect((await exchange(sim, again.code, again.verifier)).status).toBe(200);
    expect((await call(sim, '/_sim/revoke', { json: { username: 'nobody' } })).status).toBe(404);
  });

  it('issues 300 s Autonomic tokens that expire on the simulated clock', async () => {
    const sim = await startSim();
    const { cat: pair } = await signedIn(sim);
    const res = await autonomic(sim, pair.access_token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ expires_in: 300, token_type: 'Bearer' });
    expect(typeof res.body.issued_token_type).toBe('string');
    const payload = decodeJwt(res.body.access_token)!.payload;
    expect((payload.exp as number) - (payload.iat as number)).toBe(300);

    sim.clock.advance(299);
    expect((await status(sim, res.body.access_token)).status).toBe(200);
    sim.clock.advance(1);
    const expired = await status(sim, res.body.access_token);
    expect(expired.status).toBe(401);
    expect(expired.body.message).toContain('expired');
  });

  it('rejects an expired or unknown CAT token at the Autonomic exchange', async () => {
    const sim = await startSim();
    const { cat: pair } = await signedIn(sim);
    const unknown = await autonomic(sim, 'not-a-token');
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('invalid_token');
    sim.clock.advance(1800);
    expect((await autonomic(sim, pair.access_token)).body.error).toBe('invalid_token');
  });

  it('accepts the CAT refresh token as the Autonomic subject too, without consuming it', async () => {
    const sim = await startSim();
    const { cat: pair } = await signedIn(sim);
    // pyfordpass (sansio.py:495) sends the refresh token, as the official app does.
    const byRefresh = await autonomic(sim, pair.refresh_token);
    expect(byRefresh.status).toBe(200);
    expect(byRefresh.body).toMatchObject({ expires_in: 300, token_type: 'Bearer' });
    expect((await status(sim, byRefresh.body.access_token)).status).toBe(200);
    // Still good for its own job: the rotation.
    expect((await refresh(sim, pair.refresh_token)).status).toBe(200);
    // A consumed refresh token is refused like any dead subject.
    expect((await autonomic(sim, pair.refresh_token)).status).toBe(401);
    // Other token kinds are not subjects.
    expect((await autonomic(sim, (await signedIn(sim, 'b@example.com')).b2c.access_token)).status).toBe(401);
  });
});

describe('Application-Id', () => {
  it('answers 400 errorCode 432 for an unknown id or one of another region, on CAT, refresh and the vehicle list', async () => {
    const sim = await startSim();
    const { b2c, cat: pair } = await signedIn(sim); // region deu: the europe id
    const withId = (id: string) => ({ 'Application-Id': id });
    const catWith = (id: string) =>
      call(sim, '/api/token/v2/cat-with-b2c-access-token', {
        json: { idpToken: b2c.access_token },
        headers: withId(id),
      });
    const refreshWith = (id: string) =>
      call(sim, '/api/token/v2/cat-with-refresh-token', {
        json: { refresh_token: pair.refresh_token },
        headers: withId(id),
      });
    const listWith = (id: string) =>
      call(sim, '/api/expdashboard/v1/details/', {
        json: { dashboardRefreshRequest: 'All' },
        headers: { 'auth-token': pair.access_token, ...withId(id) },
      });
    for (const send of [catWith, refreshWith, listWith]) {
      for (const id of ['not-a-real-app', APPLICATION_IDS.north_america]) {
        const res = await send(id);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ message: 'Invalid ApplicationId', errorCode: '432' });
      }
    }
    const missing = await call(sim, '/api/token/v2/cat-with-refresh-token', {
      json: { refresh_token: pair.refresh_token },
    });
    expect(missing.status).toBe(400);
    // Case does not matter; the rejected refreshes above did not consume the token.
    expect((await refreshWith(APPLICATION_IDS.europe.toLowerCase())).status).toBe(200);

    const lenient = await startSim({ applicationIdCheck: 'known' });
    const other = await signedIn(lenient);
    const res = await call(lenient, '/api/expdashboard/v1/details/', {
      json: { dashboardRefreshRequest: 'All' },
      headers: { 'auth-token': other.cat.access_token, ...withId(APPLICATION_IDS.north_america) },
    });
    expect(res.status).toBe(207);
  });

  it('maps every region key to its group id', () => {
    expect(applicationIdFor('deu')).toBe(APPLICATION_IDS.europe);
    expect(applicationIdFor('rest_of_world')).toBe(APPLICATION_IDS.north_america);
    expect(applicationIdFor('aus')).toBe(APPLICATION_IDS.asia_pacific);
    expect(applicationIdFor('zaf')).toBe(APPLICATION_IDS.africa);
    expect(applicationIdFor('lincoln_usa')).toBe(APPLICATION_IDS.lincoln);
    expect(applicationIdFor('atlantis')).toBeUndefined();
  });
});

describe('the B2C-like sign-in (signInPage: b2c)', () => {
  it('SETTINGS on the page, SelfAsserted with the CSRF token, then a 302 to fordapp:// from confirmed', async () => {
    const sim = await startSim({ signInPage: 'b2c' });
    await createAccount(sim);
    const verifier = createCodeVerifier();
    const base = `/${B2C_TENANT}/${POLICY}`;
    const query = new URLSearchParams({
      client_id: FORD_CLIENT_ID,
      redirect_uri: 'fordapp://userauthorized',
      response_type: 'code',
      code_challenge: pkceChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const page = await call(sim, `${base}/oauth2/v2.0/authorize?${query}`);
    expect(page.status).toBe(200);
    const settings = JSON.parse(/var SETTINGS = (\{.*?\});/.exec(page.text)![1]!);
    expect(settings).toMatchObject({
      transId: expect.stringMatching(/^StateProperties=/),
      csrf: expect.any(String),
    });
    const tx = `tx=${encodeURIComponent(settings.transId)}&p=${POLICY}`;
    const post = (password: string, csrf = settings.csrf) =>
      call(sim, `${base}/SelfAsserted?${tx}`, {
        form: { request_type: 'RESPONSE', signInName: 'driver@example.com', password },
        headers: { 'X-Csrf-Token': csrf },
      });
    expect(await post('wrong')).toMatchObject({ status: 200, body: { status: '400' } });
    expect((await post('secret', 'forged')).body.status).toBe('400');
    const confirmed = `${base}/api/CombinedSigninAndSignup/confirmed?rememberMe=false&csrf_token=${encodeURIComponent(settings.csrf)}&${tx}`;
    // Not signed in yet: no redirect.
    expect((await fetch(`${sim.url}${confirmed}`, { redirect: 'manual' })).status).toBe(400);
    expect(await post('secret')).toMatchObject({ status: 200, body: { status: '200' } });
    const done = await fetch(`${sim.url}${confirmed}`, { redirect: 'manual' });
    expect(done.status).toBe(302);
    const location = done.headers.get('location')!;
    expect(location).toMatch(/^fordapp:\/\/userauthorized\/\?code=/);
    expect((await exchange(sim, codeOf(location), verifier)).status).toBe(200);
    // The transaction is used up.
    expect((await fetch(`${sim.url}${confirmed}`, { redirect: 'manual' })).status).toBe(400);
  });
});
