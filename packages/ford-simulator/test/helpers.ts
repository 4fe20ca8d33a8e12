import { afterEach } from 'vitest';
import {
  APPLICATION_IDS,
  B2C_TENANT,
  createCodeVerifier,
  FORD_CLIENT_ID,
  type FordSimulator,
  type FordSimulatorOptions,
  pkceChallenge,
  startFordSimulator,
} from '../src/index.ts';

/** A fixed simulated start (2025-06-15T12:00:00Z) keeps day boundaries deterministic. */
export const START = 1_749_988_800;
export const APP_ID = APPLICATION_IDS.europe;
export const POLICY = 'B2C_1A_SignInSignUp_de-DE';
export const VIN = '1FMCU9G67LUA00001';
export const EV_VIN = '3FMTK3SU5MMA00002';

const running: FordSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

/** Starts a simulator closed automatically after the test. */
export async function startSim(options: FordSimulatorOptions = {}): Promise<FordSimulator> {
  const sim = await startFordSimulator({ startTime: START, ...options });
  running.push(sim);
  return sim;
}

export async function call(
  sim: FordSimulator,
  path: string,
  init: {
    method?: string;
    json?: unknown;
    form?: Record<string, string>;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; body: any; headers: Headers; text: string }> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  }
  const response = await fetch(`${sim.url}${path}`, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, body: parsed, headers: response.headers, text };
}

export async function createAccount(
  sim: FordSimulator,
  username = 'driver@example.com',
  vins = [VIN, EV_VIN],
) {
  const models = ['Kuga', 'Mustang Mach-E'];
  const res = await call(sim, '/_sim/accounts', {
    json: {
      username,
      password: 'secret',
      region: 'deu',
      vehicles: vins.map((vin, i) => ({ vin, model: models[i % 2], year: 2022 + (i % 2) })),
    },
  });
  if (res.status !== 201) throw new Error(`account: ${res.status} ${res.text}`);
  return res.body as { username: string; subject: string; region: string; vehicles: unknown[] };
}

export function codeOf(redirectUrl: string): string {
  return new URL(redirectUrl).searchParams.get('code')!;
}

export async function scriptedLogin(sim: FordSimulator, username = 'driver@example.com') {
  const verifier = createCodeVerifier();
  const res = await call(sim, '/_sim/login', {
    json: { username, password: 'secret', codeChallenge: pkceChallenge(verifier) },
  });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${res.text}`);
  return { verifier, redirectUrl: res.body.redirectUrl as string, code: codeOf(res.body.redirectUrl) };
}

export function exchange(sim: FordSimulator, code: string, verifier: string, policy = POLICY) {
  return call(sim, `/${B2C_TENANT}/${policy}/oauth2/v2.0/token`, {
    form: {
      client_id: FORD_CLIENT_ID,
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: 'fordapp://userauthorized',
      scope: `${FORD_CLIENT_ID} openid`,
      resource: '',
    },
  });
}

export function cat(sim: FordSimulator, b2cAccessToken: string) {
  return call(sim, '/api/token/v2/cat-with-b2c-access-token', {
    json: { idpToken: b2cAccessToken },
    headers: { 'Application-Id': APP_ID },
  });
}

export function refresh(sim: FordSimulator, refreshToken: string) {
  return call(sim, '/api/token/v2/cat-with-refresh-token', {
    json: { refresh_token: refreshToken },
    headers: { 'Application-Id': APP_ID },
  });
}

export function autonomic(sim: FordSimulator, catAccessToken: string) {
  return call(sim, '/v1/auth/oidc/token', {
    form: {
      subject_token: catAccessToken,
      subject_issuer: 'fordpass',
      client_id: 'fordpass-prod',
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    },
  });
}

export function vehicles(sim: FordSimulator, catAccessToken: string) {
  return call(sim, '/api/expdashboard/v1/details/', {
    json: { dashboardRefreshRequest: 'All' },
    headers: { 'auth-token': catAccessToken, 'Application-Id': APP_ID },
  });
}

export function status(sim: FordSimulator, autonomicToken: string, vin = VIN) {
  return call(sim, `/v1/telemetry/sources/fordpass/vehicles/${vin}?lrdt=01-01-1970%2000:00:00`, {
    headers: { authorization: `Bearer ${autonomicToken}` },
  });
}

export function command(sim: FordSimulator, autonomicToken: string, type: string, vin = VIN) {
  return call(sim, `/v1/command/vehicles/${vin}/commands`, {
    json: { properties: {}, tags: {}, type, wakeUp: true },
    headers: { authorization: `Bearer ${autonomicToken}` },
  });
}

/** Account, sign-in and every token up to the Autonomic one, asserting nothing. */
export async function signedIn(sim: FordSimulator, username = 'driver@example.com', vins?: string[]) {
  await createAccount(sim, username, vins);
  const { code, verifier } = await scriptedLogin(sim, username);
  const b2c = (await exchange(sim, code, verifier)).body;
  const catPair = (await cat(sim, b2c.access_token)).body;
  const auto = (await autonomic(sim, catPair.access_token)).body;
  return { b2c, cat: catPair, auto };
}
