import { join } from 'node:path';
import { FlowManager, JsonFileFlowStore } from '@configflow/core';
import { describe, expect, it } from 'vitest';
import { createFordPassIntegration } from '../src/index.ts';
import {
  addVehicle,
  browserSignIn,
  challengeOf,
  createAccount,
  setupWorld,
  simUrls,
  toTokenStep,
  VIN_A,
  VIN_B,
} from './helpers.ts';

const USER = 'driver@example.com';

async function world() {
  const w = await setupWorld();
  const manager = new FlowManager({ flows: [w.integration.flow], clock: w.clock, idleTimeoutMs: 0 });
  return { ...w, manager };
}

/** Shortens the code inside a pasted redirect URL, as a clipboard or a display cut would. */
function cutCode(pasted: string, keep: number): string {
  const url = new URL(pasted);
  return `fordapp://userauthorized/?code=${url.searchParams.get('code')!.slice(0, keep)}`;
}

describe('config flow: user → brand → region → token → vehicle', () => {
  it('happy path: signs in with the flow PKCE challenge and creates the entry with unique id = VIN', async () => {
    const { sim, manager, storageDir } = await world();
    const account = await createAccount(sim, USER, [VIN_A, VIN_B]);

    const started = await manager.init('fordpass');
    // No account stored yet: the user step (a decide step, no UI) goes straight to brand.
    expect(started).toMatchObject({ type: 'form', stepId: 'brand' });
    const region = await manager.configure(started.flowId, { brand: 'ford' });
    expect(region).toMatchObject({ type: 'form', stepId: 'region' });
    const token = await manager.configure(started.flowId, { region: 'deu' });
    expect(token).toMatchObject({ type: 'external', stepId: 'token' });

    const authorize = new URL(token.url!);
    expect(authorize.origin).toBe(sim.url);
    expect(authorize.pathname).toBe(
      '/4566605f-43a7-400a-946e-89cc9fdb0bd7/B2C_1A_SignInSignUp_de-DE/oauth2/v2.0/authorize',
    );
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      redirect_uri: 'fordapp://userauthorized',
      response_type: 'code',
      code_challenge_method: 'S256',
      client_id: '09852200-05fd-41f6-8c21-d36d3497dc64',
      country_code: 'DEU',
      ford_application_id: '667D773E-1BDC-4139-8AD0-2B16474E8DC7',
    });
    expect(challengeOf(token)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The real authorize page accepts the URL as built.
    expect((await fetch(token.url!)).status).toBe(200);

    const pasted = await browserSignIn(sim, token.url!, USER);
    // Wrapped over lines and padded, as copied from DevTools: whitespace is stripped.
    const wrapped = `  ${pasted.slice(0, 200)}\n${pasted.slice(200)}  `;
    // Home Assistant's external_done names the next step; the next read shows it.
    const done = await manager.configure(started.flowId, { url: wrapped });
    expect(done).toMatchObject({ type: 'external_done', stepId: 'vehicle' });
    const vehicle = await manager.configure(started.flowId);
    expect(vehicle).toMatchObject({ type: 'form', stepId: 'vehicle' });
    expect(vehicle.descriptionPlaceholders?.vehicles).toContain(VIN_A);

    const created = await manager.configure(started.flowId, { vin: VIN_A });
    expect(created).toMatchObject({ type: 'create_entry', entry: { uniqueId: VIN_A } });
    const entry = manager.entries.get(created.entry!.entryId)!;
    expect(entry.data).toEqual({ vin: VIN_A, accountId: account.subject, brand: 'ford', region: 'deu' });
    expect(JSON.stringify(entry.data)).not.toMatch(/token/i);
    expect(entry.options).toMatchObject({ pollInterval: 900 });
    // The tokens went to the account's store, under the data dir given.
    const { readFile } = await import('node:fs/promises');
    const stored = JSON.parse(
      await readFile(join(storageDir, 'fordpass', `${account.subject}.json`), 'utf8'),
    );
    expect(stored).toMatchObject({ accountId: account.subject, label: USER, region: 'deu' });
  });

  it('truncated or ellipsised code: distinct errors, verifier unchanged, a fresh paste then succeeds', async () => {
    const { sim, manager } = await world();
    await createAccount(sim, USER, [VIN_A]);
    const token = await toTokenStep(manager);
    const pasted = await browserSignIn(sim, token.url!, USER);
    const code = new URL(pasted).searchParams.get('code')!;

    const cases: [string, string][] = [
      [`fordapp://userauthorized/?code=${code.slice(0, 40)}…${code.slice(-40)}`, 'url_ellipsis'],
      [`fordapp://userauthorized/?code=${code.slice(0, 40)}...${code.slice(-40)}`, 'url_ellipsis'],
      [cutCode(pasted, 300), 'code_truncated'],
      [`fordapp://userauthorized/?code=${code.split('.').slice(0, 4).join('.')}`, 'code_truncated'],
      [`lincolnapp://userauthorized/?code=${code}`, 'url_wrong_scheme'],
      [`https://example.com/?code=${code}`, 'url_wrong_scheme'],
      ['fordapp://userauthorized/?state=x', 'url_missing_code'],
    ];
    for (const [bad, key] of cases) {
      const again = await manager.configure(token.flowId, { url: bad });
      expect(again, key).toMatchObject({ type: 'external', stepId: 'token', errors: { url: key } });
      expect(challengeOf(again)).toBe(challengeOf(token));
    }
    // None of these reached Ford: the code is still unused and now works.
    expect(sim.state.stats().routes.token ?? 0).toBe(0);

    // Cut inside the last segment: the shape looks right, so only Ford can tell (AADB2C90090).
    const serverSide = await manager.configure(token.flowId, { url: pasted.slice(0, -10) });
    expect(serverSide).toMatchObject({ errors: { url: 'code_truncated' } });
    expect(sim.state.stats().routes.token).toBe(1);
    expect(challengeOf(serverSide)).toBe(challengeOf(token));

    const ok = await manager.configure(token.flowId, { url: pasted });
    expect(ok).toMatchObject({ stepId: 'vehicle' });
  });

  it('a reused or expired code gives code_expired, asking for a fresh sign-in that then works', async () => {
    const { sim, manager } = await world();
    await createAccount(sim, USER, [VIN_A, VIN_B]);
    // First flow redeems the code.
    const first = await toTokenStep(manager);
    const pasted = await browserSignIn(sim, first.url!, USER);
    expect(await manager.configure(first.flowId, { url: pasted })).toMatchObject({ stepId: 'vehicle' });
    // Pasting the same (already redeemed) address into another flow: code_expired.
    const second = await toTokenStep(manager);
    const reused = await manager.configure(second.flowId, { url: pasted });
    expect(reused).toMatchObject({ errors: { url: 'code_expired' } });

    // An expired code (codes live 10 simulated minutes).
    const late = await browserSignIn(sim, second.url!, USER);
    sim.clock.advance(601);
    expect(await manager.configure(second.flowId, { url: late })).toMatchObject({
      errors: { url: 'code_expired' },
    });

    const fresh = await browserSignIn(sim, second.url!, USER);
    expect(await manager.configure(second.flowId, { url: fresh })).toMatchObject({ stepId: 'vehicle' });
  });

  it('a verifier regenerated must not happen: the challenge is identical across re-displays and a flow restart', async () => {
    const w = await setupWorld();
    await createAccount(w.sim, USER, [VIN_A]);
    const path = join(w.storageDir, 'flows.json');
    const first = new FlowManager({
      flows: [w.integration.flow],
      store: new JsonFileFlowStore(path),
      idleTimeoutMs: 0,
    });
    await first.start();
    const token = await toTokenStep(first);
    const again = await first.configure(token.flowId);
    expect(challengeOf(again)).toBe(challengeOf(token));
    const err = await first.configure(token.flowId, { url: 'fordapp://userauthorized/?code=abc' });
    expect(challengeOf(err)).toBe(challengeOf(token));
    // The user signs in now, with the link shown before the restart.
    const pasted = await browserSignIn(w.sim, token.url!, USER);
    await first.stop();

    // A restart: a new integration and manager reading the same flow store.
    const integration = createFordPassIntegration({
      api: simUrls(w.sim),
      storageDir: w.storageDir,
      clock: w.clock,
    });
    const second = new FlowManager({
      flows: [integration.flow],
      store: new JsonFileFlowStore(path),
      idleTimeoutMs: 0,
    });
    await second.start();
    const resumed = await second.configure(token.flowId);
    expect(resumed).toMatchObject({ type: 'external', stepId: 'token' });
    expect(challengeOf(resumed)).toBe(challengeOf(token));
    // The code from before the restart still matches the verifier kept in the flow context.
    expect(await second.configure(token.flowId, { url: pasted })).toMatchObject({ stepId: 'vehicle' });
    await second.stop();
  });

  it('already_configured for a VIN configured twice', async () => {
    const { sim, manager } = await world();
    await createAccount(sim, USER, [VIN_A, VIN_B]);
    // Two flows reach the vehicle step while VIN_A is still free.
    const a = await toTokenStep(manager);
    await manager.configure(a.flowId, { url: await browserSignIn(sim, a.url!, USER) });
    const b = await toTokenStep(manager);
    await manager.configure(b.flowId, { url: await browserSignIn(sim, b.url!, USER) });
    expect(await manager.configure(a.flowId, { vin: VIN_A })).toMatchObject({ type: 'create_entry' });
    expect(await manager.configure(b.flowId, { vin: VIN_A })).toMatchObject({
      type: 'abort',
      reason: 'already_configured',
    });
    expect(manager.entries.list()).toHaveLength(1);
  });

  it('no_vehicles when every VIN is configured; the list offers only unconfigured VINs', async () => {
    const { sim, manager } = await world();
    await createAccount(sim, USER, [VIN_A, VIN_B]);
    await addVehicle(manager, sim, USER, VIN_A);

    // The account is stored now: the user step offers the menu; "add a vehicle" needs no sign-in.
    const started = await manager.init('fordpass');
    await manager.idle();
    const menu = await manager.configure(started.flowId);
    expect(menu).toMatchObject({ type: 'menu', stepId: 'setup_type', menuOptions: ['add_vehicle', 'brand'] });
    const pick = await manager.configure(started.flowId, { nextStepId: 'add_vehicle' });
    expect(pick).toMatchObject({ stepId: 'add_vehicle' });
    const vehicle = await manager.configure(started.flowId, { account: USER });
    expect(vehicle).toMatchObject({ stepId: 'vehicle' });
    expect(vehicle.descriptionPlaceholders?.vehicles).toContain(VIN_B);
    expect(vehicle.descriptionPlaceholders?.vehicles).not.toContain(VIN_A);
    expect(await manager.configure(started.flowId, { vin: VIN_B })).toMatchObject({ type: 'create_entry' });
    expect(sim.state.stats().routes.token ?? 0).toBe(1);

    const last = await manager.init('fordpass');
    await manager.idle();
    await manager.configure(last.flowId, { nextStepId: 'add_vehicle' });
    expect(await manager.configure(last.flowId, { account: USER })).toMatchObject({
      type: 'abort',
      reason: 'no_vehicles',
    });
  });

  it('manual VIN fallback when the vehicle list is empty or unavailable', async () => {
    const { sim, manager } = await world();
    // The garage comes back empty (e.g. a wrong region), so the VIN is asked for.
    await createAccount(sim, USER, []);
    const owner = 'owner@example.com';
    await createAccount(sim, owner, [VIN_A]);
    const token = await toTokenStep(manager);
    await manager.configure(token.flowId, { url: await browserSignIn(sim, token.url!, USER) });
    const vin = await manager.configure(token.flowId);
    expect(vin).toMatchObject({ type: 'form', stepId: 'vin' });
    expect(await manager.configure(token.flowId, { vin: 'NOT-A-VIN' })).toMatchObject({
      errors: { vin: 'invalid_vin' },
    });
    // A VIN of another account: Ford answers 403 NOT AUTHORIZED.
    expect(await manager.configure(token.flowId, { vin: VIN_A })).toMatchObject({
      errors: { vin: 'vin_not_on_account' },
    });
    sim.control.addVehicle(USER, { vin: VIN_B, model: 'Kuga', year: 2022 });
    expect(await manager.configure(token.flowId, { vin: VIN_B.toLowerCase() })).toMatchObject({
      type: 'create_entry',
      entry: { uniqueId: VIN_B },
    });

    // The list endpoint failing (outage) also falls back to the VIN step.
    const other = await toTokenStep(manager);
    const pasted = await browserSignIn(sim, other.url!, owner);
    sim.control.addFault({ route: 'vehicles', status: 503, times: 2 });
    expect(await manager.configure(other.flowId, { url: pasted })).toMatchObject({ stepId: 'vin' });
    expect(await manager.configure(other.flowId, { vin: VIN_A })).toMatchObject({ type: 'create_entry' });
  });

  it('an unwritable storage folder aborts no_filesystem_access before any sign-in', async () => {
    const { sim, storageDir } = await world();
    const { writeFile } = await import('node:fs/promises');
    const notADir = join(storageDir, 'plain-file');
    await writeFile(notADir, 'x');
    const integration = createFordPassIntegration({ api: simUrls(sim), storageDir: notADir });
    const manager = new FlowManager({ flows: [integration.flow], idleTimeoutMs: 0 });
    const started = await manager.init('fordpass');
    await manager.idle();
    expect(await manager.configure(started.flowId)).toMatchObject({ stepId: 'brand' });
    expect(await manager.configure(started.flowId, { brand: 'ford' })).toMatchObject({
      type: 'abort',
      reason: 'no_filesystem_access',
    });
  });

  it('the region step says the region must match the account; a Lincoln region is refused for Ford', async () => {
    const { manager } = await world();
    const started = await manager.init('fordpass');
    await manager.idle();
    await manager.configure(started.flowId, { brand: 'ford' });
    const region = await manager.configure(started.flowId);
    const description = (region.form as { description?: { fallback: string } }).description?.fallback ?? '';
    expect(description).toMatch(/must match/);
    expect(await manager.configure(started.flowId, { region: 'lincoln_usa' })).toMatchObject({
      errors: { region: 'region_brand_mismatch' },
    });
  });

  it('a Lincoln account signs in with the lincolnapp:// scheme and the Lincoln policy', async () => {
    const { sim, manager } = await world();
    await createAccount(sim, USER, [VIN_A], 'lincoln_usa');
    const token = await toTokenStep(manager, 'lincoln_usa', 'lincoln');
    expect(token.url).toContain('B2C_1A_SignInSignUp_Lincoln_en-US');
    expect(new URL(token.url!).searchParams.get('redirect_uri')).toBe('lincolnapp://userauthorized');
    const pasted = await browserSignIn(sim, token.url!, USER);
    expect(pasted.startsWith('lincolnapp://')).toBe(true);
    expect(
      await manager.configure(token.flowId, { url: pasted.replace('lincolnapp', 'fordapp') }),
    ).toMatchObject({
      errors: { url: 'url_wrong_scheme' },
    });
    expect(await manager.configure(token.flowId, { url: pasted })).toMatchObject({ stepId: 'vehicle' });
  });
});

describe('options and reconfigure', () => {
  it('the options flow enforces the minimum polling interval', async () => {
    const { sim, manager, integration } = await world();
    await createAccount(sim, USER, [VIN_A]);
    const entryId = await addVehicle(manager, sim, USER, VIN_A);
    const opts = await manager.init('fordpass', { source: 'options', entryId });
    await expect(manager.configure(opts.flowId, { pollInterval: 30 })).rejects.toMatchObject({
      errors: { pollInterval: expect.any(String) },
    });
    const done = await manager.configure(opts.flowId, {
      pollInterval: 600,
      pressureUnit: 'PSI',
      distanceUnit: 'mi',
    });
    expect(done).toMatchObject({ type: 'create_entry' });
    const entry = manager.entries.get(entryId)!;
    expect(entry.options).toEqual({ pollInterval: 600, pressureUnit: 'PSI', distanceUnit: 'mi' });
    expect(integration.pollInterval!(entry)).toBe(600_000);
    // Options written by hand (or by an older version) are clamped anyway.
    expect(integration.pollInterval!({ ...entry, options: { pollInterval: 30 } })).toBe(300_000);
    expect(integration.pollInterval!({ ...entry, options: {} })).toBe(900_000);
  });

  it('reconfigure changes the region when the vehicle is listed there', async () => {
    const { sim, manager } = await world();
    await createAccount(sim, USER, [VIN_A]);
    const entryId = await addVehicle(manager, sim, USER, VIN_A);
    const flow = await manager.init('fordpass', { source: 'reconfigure', entryId });
    expect(flow).toMatchObject({ type: 'form', stepId: 'reconfigure' });
    expect(await manager.configure(flow.flowId, { region: 'lincoln_usa' })).toMatchObject({
      errors: { region: 'region_brand_mismatch' },
    });
    expect(await manager.configure(flow.flowId, { region: 'aut' })).toMatchObject({
      type: 'abort',
      reason: 'reconfigure_successful',
    });
    expect(manager.entries.get(entryId)!.data.region).toBe('aut');
  });
});
