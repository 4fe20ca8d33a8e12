import {
  APPLICATION_IDS,
  B2C_TENANT,
  createCodeVerifier,
  FORD_CLIENT_ID,
  type FordSimulator,
  pkceChallenge,
} from '@configflow/ford-simulator';
import { describe, expect, it } from 'vitest';
import {
  autonomicTokenResponse,
  b2cTokenResponse,
  catTokenResponse,
  commandResponse,
  telemetryResponse,
  vehiclesResponse,
} from '../src/apiSchemas.ts';
import { readCommandState, trackCommand } from '../src/commands.ts';
import {
  ApplicationIdRejected,
  FordClient,
  FordUnavailable,
  findRegion,
  lockStateOf,
  SignInRejected,
  sameOrigin,
  TokenInvalid,
  VehicleNotAuthorized,
  vehicleStateFrom,
} from '../src/index.ts';
import { type FordFixture, fordFixture, shapeMismatches } from './fordShape.ts';
import { startSim, VIN_A, VIN_B } from './helpers.ts';

/*
 * Contract tests: Ford's real answers (fixtures/ford, each with its public source) against the adapter's
 * parsers and error mapping, and against the simulator's answers in the same situations.
 */

const DEU = findRegion('deu')!;
const body = (name: string) => fordFixture(name).body as Record<string, any>;
const telemetryWith = (states: Record<string, unknown>) => telemetryResponse.parse({ metrics: {}, states });

/** A FordClient whose every request gets this fixture's status and body. */
function answering(fixture: FordFixture): FordClient {
  return new FordClient({
    urls: sameOrigin('http://ford.invalid'),
    fetch: async () => new Response(JSON.stringify(fixture.body), { status: fixture.status ?? 200 }),
  });
}

describe("the adapter reads Ford's recorded answers", () => {
  it('matches a command by the top-level commandId, never by the state of the previous command', () => {
    const state = body('command-state');
    const t = telemetryWith({ updateDepartureTimesCommand: state, lockCommand: state });
    expect(readCommandState(t, 'lock', state.commandId)).toMatchObject({
      status: 'success',
      toState: 'COMMAND_SUCCEEDED_ON_DEVICE',
    });
    // The previous lock's success while ours is not picked up yet: still pending.
    expect(readCommandState(t, 'lock', 'our-new-command').status).toBe('pending');
    // The older variant with the id inside value still matches by id.
    const legacy = { ...state, commandId: undefined, value: { ...state.value, commandId: 'old-shape' } };
    expect(readCommandState(telemetryWith({ lockCommand: legacy }), 'lock', 'old-shape').status).toBe(
      'success',
    );
    expect(readCommandState(telemetryWith({ lockCommand: legacy }), 'lock', 'other').status).toBe('pending');
    // No id anywhere: ours only when stamped after our command was created.
    const anonymous = { timestamp: state.timestamp, value: state.value };
    const stampedAt = Date.parse(state.timestamp);
    const anon = telemetryWith({ lockCommand: anonymous });
    expect(readCommandState(anon, 'lock', { id: 'x', createdAt: stampedAt + 1 }).status).toBe('pending');
    expect(readCommandState(anon, 'lock', { id: 'x', createdAt: stampedAt - 1 }).status).toBe('success');
    expect(readCommandState(anon, 'lock', 'x').status).toBe('pending');
  });

  it('accepts lower-case states: success, expired', () => {
    const state = body('command-state-lowercase');
    const t = telemetryWith({ lockCommand: state });
    expect(readCommandState(t, 'lock', state.commandId)).toMatchObject({
      status: 'success',
      toState: 'success',
    });
    const expired = { ...state, value: { ...state.value, toState: 'expired' } };
    expect(readCommandState(telemetryWith({ lockCommand: expired }), 'lock', state.commandId).status).toBe(
      'expired',
    );
  });

  it("stops following a command at Ford's expireTime when its state never changes", async () => {
    const created = commandResponse.parse(body('command-created'));
    expect(created).toMatchObject({
      id: body('command-created').id,
      expireTime: body('command-created').expireTime,
    });
    let now = Date.parse(created.createTime!);
    const previous = telemetryWith({ lockCommand: body('command-state') });
    const reads: number[] = [];
    const outcome = await trackCommand({
      type: 'lock',
      commandId: created.id,
      createdAt: Date.parse(created.createTime!),
      expiresAt: Date.parse(created.expireTime!),
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
      read: async () => {
        reads.push(now - Date.parse(created.createTime!));
        return previous;
      },
    });
    expect(outcome).toMatchObject({ result: 'timeout', checks: 6 });
    expect(reads).toEqual([2_000, 7_000, 17_000, 37_000, 67_000, 90_000]);
  });

  it('reads the command id from id, commandId or correlationId', () => {
    expect(commandResponse.parse({ commandId: 'a' }).id).toBe('a');
    expect(commandResponse.parse({ correlationId: 'b' }).id).toBe('b');
    expect(commandResponse.safeParse({ currentStatus: 'REQUESTED' }).success).toBe(false);
  });

  it('parses the token, vehicle-list and telemetry answers', () => {
    expect(b2cTokenResponse.safeParse(body('b2c-token')).success).toBe(true);
    expect(catTokenResponse.safeParse(body('cat-token')).success).toBe(true);
    expect(autonomicTokenResponse.safeParse(body('autonomic-token')).success).toBe(true);
    expect(vehiclesResponse.parse(body('vehicle-list')).userVehicles.vehicleDetails[0]!.VIN).toBe(VIN_A);
    const state = vehicleStateFrom(telemetryResponse.parse(body('telemetry')));
    // ALL_DOORS is third in the list; the first entries are mechanical latches saying UNKNOWN.
    expect(state).toMatchObject({ lock: 'LOCKED', odometerKm: 12345.6, tyresKpa: { FRONT_LEFT: 241 } });
    expect(state.location).toEqual({ lat: 42.3, lon: -83.2 });
    expect(lockStateOf(body('door-locks-per-door') as never)).toBe('LOCKED');
    const oneOpen = (body('door-locks-per-door') as unknown as { value: string }[]).map((d, i) =>
      i === 2 ? { ...d, value: 'unlocked' } : d,
    );
    expect(lockStateOf(oneOpen)).toBe('UNLOCKED');
    expect(lockStateOf([{ value: 'UNKNOWN', vehicleDoor: 'TAILGATE' }])).toBe('UNKNOWN');
  });

  it('maps the error answers: 460 at 400 or 401, 432, 403, the TMC 502, AADB2C90090', async () => {
    const rejected = fordFixture('refresh-rejected');
    await expect(answering(rejected).refreshCat(DEU, 'r')).rejects.toBeInstanceOf(TokenInvalid);
    await expect(answering({ ...rejected, status: 401 }).refreshCat(DEU, 'r')).rejects.toBeInstanceOf(
      TokenInvalid,
    );
    const appId = fordFixture('invalid-application-id');
    await expect(answering(appId).refreshCat(DEU, 'r')).rejects.toBeInstanceOf(ApplicationIdRejected);
    await expect(answering(appId).catFromB2c(DEU, 'b')).rejects.toBeInstanceOf(ApplicationIdRejected);
    await expect(answering(appId).vehicles(DEU, 'c')).rejects.toMatchObject({ reason: 'region_mismatch' });
    const forbidden = fordFixture('vehicle-forbidden');
    await expect(answering(forbidden).telemetry('a', VIN_A)).rejects.toBeInstanceOf(VehicleNotAuthorized);
    await expect(answering(forbidden).sendCommand('a', VIN_A, 'lock')).rejects.toBeInstanceOf(
      VehicleNotAuthorized,
    );
    await expect(answering(fordFixture('telemetry-query-502')).telemetry('a', VIN_A)).rejects.toBeInstanceOf(
      FordUnavailable,
    );
    await expect(answering(fordFixture('vehicle-list')).vehicles(DEU, 'c')).resolves.toMatchObject({
      userVehicles: { vehicleDetails: [{ VIN: VIN_A }] },
    });
    await expect(
      answering(fordFixture('command-created')).sendCommand('a', VIN_A, 'lock'),
    ).resolves.toMatchObject({
      id: body('command-created').id,
    });
    await expect(
      answering(fordFixture('b2c-code-truncated')).exchangeCode(DEU, 'c', 'v'),
    ).rejects.toMatchObject({
      constructor: SignInRejected,
      problem: 'code_truncated',
    });
  });
});

/** Raw HTTP against the simulator, so the comparison sees its answers exactly as sent. */
async function raw(
  sim: FordSimulator,
  path: string,
  init: {
    json?: unknown;
    form?: Record<string, string>;
    headers?: Record<string, string>;
    method?: string;
  } = {},
) {
  const headers: Record<string, string> = { ...init.headers };
  let payload: string | undefined;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(init.json);
  } else if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    payload = new URLSearchParams(init.form).toString();
  }
  const res = await fetch(`${sim.url}${path}`, {
    method: init.method ?? (payload === undefined ? 'GET' : 'POST'),
    headers,
    ...(payload !== undefined ? { body: payload } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
}

async function signedInWorld() {
  const sim = await startSim({ commandSeconds: 10 });
  sim.control.createAccount({
    username: 'contract@example.com',
    password: 'pw',
    region: 'deu',
    vehicles: [
      { vin: VIN_A, model: 'Kuga', year: 2022 },
      { vin: VIN_B, model: 'Mustang Mach-E', year: 2023 },
    ],
  });
  const verifier = createCodeVerifier();
  const { code } = sim.control.login({
    username: 'contract@example.com',
    password: 'pw',
    codeChallenge: pkceChallenge(verifier),
  });
  const b2c = await raw(sim, `/${B2C_TENANT}/B2C_1A_SignInSignUp_de-DE/oauth2/v2.0/token`, {
    form: {
      client_id: FORD_CLIENT_ID,
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: 'fordapp://userauthorized',
    },
  });
  const app = { 'Application-Id': APPLICATION_IDS.europe };
  const cat = await raw(sim, '/api/token/v2/cat-with-b2c-access-token', {
    json: { idpToken: b2c.body.access_token },
    headers: app,
  });
  const auto = await raw(sim, '/v1/auth/oidc/token', {
    form: {
      subject_token: cat.body.access_token,
      subject_issuer: 'fordpass',
      client_id: 'fordpass-prod',
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    },
  });
  const bearer = { authorization: `Bearer ${auto.body.access_token}` };
  const ford = { 'auth-token': cat.body.access_token, ...app };
  return { sim, b2c, cat, auto, bearer, ford, app };
}

function expectShape(name: string, answer: { status: number; body: unknown }) {
  const fixture = fordFixture(name);
  if (fixture.status !== undefined) expect(answer.status, `${name}: status`).toBe(fixture.status);
  expect(shapeMismatches(fixture.body, answer.body, fixture._compare), name).toEqual([]);
}

describe("the simulator answers in Ford's recorded shapes", () => {
  it('tokens, the vehicle list, telemetry, 403 and the TMC 502', async () => {
    const w = await signedInWorld();
    expectShape('b2c-token', w.b2c);
    expectShape('cat-token', w.cat);
    expectShape('autonomic-token', w.auto);
    expectShape(
      'vehicle-list',
      await raw(w.sim, '/api/expdashboard/v1/details/', {
        json: { dashboardRefreshRequest: 'All' },
        headers: w.ford,
      }),
    );
    w.sim.control.updateVehicle(VIN_A, { deepSleep: true });
    expectShape(
      'telemetry',
      await raw(w.sim, `/v1/telemetry/sources/fordpass/vehicles/${VIN_A}`, { headers: w.bearer }),
    );
    w.sim.control.updateVehicle(VIN_A, { doorLockLayout: 'per-door' });
    const perDoor = await raw(w.sim, `/v1/telemetry/sources/fordpass/vehicles/${VIN_A}`, {
      headers: w.bearer,
    });
    expectShape('door-locks-per-door', { status: 200, body: perDoor.body.metrics.doorLockStatus });
    w.sim.control.createAccount({
      username: 'other@example.com',
      password: 'pw',
      region: 'deu',
      vehicles: [{ vin: 'WF0XXXGCDX0000009', model: 'Focus', year: 2020 }],
    });
    expectShape(
      'vehicle-forbidden',
      await raw(w.sim, '/v1/telemetry/sources/fordpass/vehicles/WF0XXXGCDX0000009', { headers: w.bearer }),
    );
    w.sim.control.addFault({ route: 'telemetryQuery', status: 502, times: 1 });
    expectShape(
      'telemetry-query-502',
      await raw(w.sim, `/v1beta/telemetry/sources/fordpass/vehicles/${VIN_A}:query`, {
        json: { includeMetrics: ['odometer'] },
        headers: w.bearer,
      }),
    );
    expectShape('message-center', await raw(w.sim, '/api/messagecenter/v3/messages', { headers: w.ford }));
    expectShape(
      'garage',
      await raw(w.sim, '/api/fpcpl-user-garage-service/v1/user/garage', { headers: w.ford }),
    );
  });

  it('commands: the creation answer and the state, in upper and lower case', async () => {
    const w = await signedInWorld();
    const created = await raw(w.sim, `/v1/command/vehicles/${VIN_A}/commands`, {
      json: { properties: {}, tags: {}, type: 'lock', wakeUp: true },
      headers: w.bearer,
    });
    expectShape('command-created', created);
    w.sim.clock.advance(10);
    const done = await raw(w.sim, `/v1/telemetry/sources/fordpass/vehicles/${VIN_A}`, { headers: w.bearer });
    expectShape('command-state', { status: 200, body: done.body.states.lockCommand });
    expect(done.body.states.lockCommand.commandId).toBe(created.body.id);

    w.sim.control.updateVehicle(VIN_A, { stateCase: 'lower' });
    await raw(w.sim, `/v1/command/vehicles/${VIN_A}/commands`, {
      json: { properties: {}, tags: {}, type: 'unlock', wakeUp: true },
      headers: w.bearer,
    });
    w.sim.clock.advance(10);
    const lower = await raw(w.sim, `/v1/telemetry/sources/fordpass/vehicles/${VIN_A}`, { headers: w.bearer });
    expectShape('command-state-lowercase', { status: 200, body: lower.body.states.unlockCommand });
    expect(lower.body.states.unlockCommand.value.toState).toBe(body('command-state-lowercase').value.toState);
  });

  it('a dead refresh token, a wrong Application-Id and a truncated code', async () => {
    const w = await signedInWorld();
    await raw(w.sim, '/api/token/v2/cat-with-refresh-token', {
      json: { refresh_token: w.cat.body.refresh_token },
      headers: w.app,
    });
    expectShape(
      'refresh-rejected',
      await raw(w.sim, '/api/token/v2/cat-with-refresh-token', {
        json: { refresh_token: w.cat.body.refresh_token },
        headers: w.app,
      }),
    );
    expectShape(
      'invalid-application-id',
      await raw(w.sim, '/api/expdashboard/v1/details/', {
        json: { dashboardRefreshRequest: 'All' },
        headers: { ...w.ford, 'Application-Id': APPLICATION_IDS.north_america },
      }),
    );
    expectShape(
      'b2c-code-truncated',
      await raw(w.sim, `/${B2C_TENANT}/B2C_1A_SignInSignUp_de-DE/oauth2/v2.0/token`, {
        form: {
          client_id: FORD_CLIENT_ID,
          grant_type: 'authorization_code',
          code: 'abc.def',
          code_verifier: 'v',
          redirect_uri: 'fordapp://userauthorized',
        },
      }),
    );
  });

  it('the comparison itself catches a moved or missing key', () => {
    const state = body('command-state');
    const moved = { ...state, commandId: undefined, value: { ...state.value, commandId: state.commandId } };
    delete moved.commandId;
    expect(shapeMismatches(state, moved, 'exact')).toEqual([
      '$.commandId: missing',
      '$.value.commandId: not sent by Ford',
    ]);
    expect(shapeMismatches({ a: [{ b: 1 }] }, { a: [{ b: '1' }] }, 'subset')).toEqual([
      '$.a[0].b: string where Ford sends number',
    ]);
  });
});
