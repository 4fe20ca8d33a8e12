import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuthFailed, EntryNotReady, EntryRuntime, FlowManager } from '@configflow/core';
import { describe, expect, it } from 'vitest';
import { createFordPassIntegration, findRegion, TokenInvalid } from '../src/index.ts';
import {
  addFault,
  addVehicle,
  browserSignIn,
  createAccount,
  refreshes,
  setupContext,
  setupWorld,
  simUrls,
  VIN_A,
  VIN_B,
} from './helpers.ts';

const USER = 'family@example.com';
const CAT_LIFETIME_MS = 1800 * 1000;

async function twoVehicles(opts: Parameters<typeof setupWorld>[0] = {}) {
  const w = await setupWorld(opts);
  const account = await createAccount(w.sim, USER, [VIN_A, VIN_B]);
  const manager = new FlowManager({ flows: [w.integration.flow], clock: w.clock, idleTimeoutMs: 0 });
  const a = await addVehicle(manager, w.sim, USER, VIN_A);
  const b = await addVehicle(manager, w.sim, USER, VIN_B);
  const tokenFile = join(w.storageDir, 'fordpass', `${account.subject}.json`);
  return {
    ...w,
    manager,
    account,
    entryA: manager.entries.get(a)!,
    entryB: manager.entries.get(b)!,
    tokenFile,
  };
}

async function storedTokens(path: string) {
  return JSON.parse(await readFile(path, 'utf8')) as { catAccessToken: string; catRefreshToken: string };
}

describe('one token store per account, single-flight refresh', () => {
  it('two vehicles on one account refreshing at once make ONE refresh call (no 460, no AuthFailed)', async () => {
    const { sim, clock, integration, entryA, entryB, tokenFile } = await twoVehicles();
    const ctx = setupContext(clock);
    const [ra, rb] = await Promise.all([integration.setup(entryA, ctx), integration.setup(entryB, ctx)]);
    // Both entries hold the same account session: one in-memory copy, one lock, one budget.
    expect(ra.session).toBe(rb.session);
    const before = await refreshes(sim, USER);
    const oldRefresh = (await storedTokens(tokenFile)).catRefreshToken;

    clock.advance(CAT_LIFETIME_MS);
    const results = await Promise.allSettled([
      integration.poll!(entryA, { ...ra, primed: false }, ctx),
      integration.poll!(entryB, { ...rb, primed: false }, ctx),
      integration.poll!(entryA, { ...ra, primed: false }, ctx),
      integration.poll!(entryB, { ...rb, primed: false }, ctx),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(await refreshes(sim, USER)).toBe(before + 1);
    expect(sim.state.stats().routes.refresh).toBe(1);
    // The rotated pair reached the shared file.
    expect((await storedTokens(tokenFile)).catRefreshToken).not.toBe(oldRefresh);
  });

  it('two integration instances sharing the token file refresh once: the store is re-read under the lock', async () => {
    const { sim, clock, storageDir, integration, entryA, entryB } = await twoVehicles();
    // A second instance (e.g. a process part being reloaded) with its own in-memory sessions.
    const other = createFordPassIntegration({ api: simUrls(sim), storageDir, clock });
    const ctx = setupContext(clock);
    const ra = await integration.setup(entryA, ctx);
    const rb = await other.setup(entryB, ctx);
    expect(ra.session).not.toBe(rb.session);
    const before = await refreshes(sim, USER);

    clock.advance(CAT_LIFETIME_MS);
    const [a, b] = await Promise.allSettled([
      integration.poll!(entryA, { ...ra, primed: false }, ctx),
      other.poll!(entryB, { ...rb, primed: false }, ctx),
    ]);
    expect([a.status, b.status]).toEqual(['fulfilled', 'fulfilled']);
    expect(await refreshes(sim, USER)).toBe(before + 1);
  });

  it('a token store loaded at start reflects what is on disk', async () => {
    const { sim, clock, storageDir, integration, entryA, tokenFile } = await twoVehicles();
    const ctx = setupContext(clock);
    const ra = await integration.setup(entryA, ctx);
    clock.advance(CAT_LIFETIME_MS);
    await integration.poll!(entryA, { ...ra, primed: false }, ctx);
    const onDisk = await storedTokens(tokenFile);
    // A fresh start uses the rotated pair on disk, not anything older.
    const restarted = createFordPassIntegration({ api: simUrls(sim), storageDir, clock });
    const rr = await restarted.setup(entryA, ctx);
    expect((await rr.session.current()).catRefreshToken).toBe(onDisk.catRefreshToken);
    expect(await refreshes(sim, USER)).toBe(1);

    // An unreadable token file is a sign-in problem (AuthFailed), not a crash.
    await writeFile(tokenFile, '{"version":1,');
    const broken = createFordPassIntegration({ api: simUrls(sim), storageDir, clock });
    await expect(broken.setup(entryA, ctx)).rejects.toBeInstanceOf(AuthFailed);
  });

  it('crash between refresh and save: a child killed at the first use of the rotated tokens loses nothing', async () => {
    const { sim, clock, storageDir, entryA, tokenFile } = await twoVehicles();
    const old = await storedTokens(tokenFile);
    clock.advance(CAT_LIFETIME_MS);

    const here = dirname(fileURLToPath(import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(here, 'fixtures', 'refreshThenCrash.ts'),
        sim.url,
        storageDir,
        JSON.stringify(entryA),
        String(clock.now()),
      ],
      { cwd: resolve(here, '../../..'), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const signal = await new Promise<NodeJS.Signals | null>((done) =>
      child.on('exit', (_code, sig) => done(sig)),
    );
    expect(output).toContain('crashing before first use');
    expect(signal).toBe('SIGKILL');
    expect(await refreshes(sim, USER)).toBe(1);

    // The rotated pair was on disk before the process died.
    const saved = await storedTokens(tokenFile);
    expect(saved.catRefreshToken).not.toBe(old.catRefreshToken);
    // The old refresh token is dead at Ford (rotation): we do not need it...
    const restarted = createFordPassIntegration({ api: simUrls(sim), storageDir, clock });
    await expect(restarted.client.refreshCat(findRegion('deu')!, old.catRefreshToken)).rejects.toBeInstanceOf(
      TokenInvalid,
    );
    // ...because a restart works with what was saved: polling now, and refreshing later.
    const ctx = setupContext(clock);
    const runtime = await restarted.setup(entryA, ctx);
    clock.advance(CAT_LIFETIME_MS);
    await restarted.poll!(entryA, { ...runtime, primed: false }, ctx);
    expect(await refreshes(sim, USER)).toBe(2);
  });
});

describe('refresh rejected: 460 is a reauth, anything vaguer is not', () => {
  it('refresh 460 → AuthFailed (after a revocation, as a password change does)', async () => {
    const { sim, clock, integration, entryA } = await twoVehicles();
    const ctx = setupContext(clock);
    const ra = await integration.setup(entryA, ctx);
    sim.control.revoke(USER);
    clock.advance(CAT_LIFETIME_MS);
    const error = await integration.poll!(entryA, { ...ra, primed: false }, ctx).catch((e) => e);
    expect(error).toBeInstanceOf(AuthFailed);
    expect(error).toBeInstanceOf(TokenInvalid);
  });

  it('refresh 460 as a number, or only the "Invalid or Expired Token" message, is AuthFailed too', async () => {
    // Each answer on an account of its own: a refusal is kept with the pair (next test).
    const refusals = [
      { status: 400, body: { errorCode: 460, message: 'x' } },
      { status: 401, body: { message: 'Invalid or Expired Token' } },
    ];
    for (const refusal of refusals) {
      const { sim, clock, integration, entryA } = await twoVehicles();
      const ctx = setupContext(clock);
      const ra = await integration.setup(entryA, ctx);
      clock.advance(CAT_LIFETIME_MS);
      await addFault(sim, { route: 'refresh', ...refusal, times: 1 });
      await expect(integration.poll!(entryA, { ...ra, primed: false }, ctx)).rejects.toBeInstanceOf(
        AuthFailed,
      );
    }
    // A 401 without Ford's marker is a wobbly: not ready, tokens kept, and the next try refreshes fine.
    const { sim, clock, integration, entryA } = await twoVehicles();
    const ctx = setupContext(clock);
    const ra = await integration.setup(entryA, ctx);
    clock.advance(CAT_LIFETIME_MS);
    await addFault(sim, { route: 'refresh', status: 401, body: { message: 'Unauthorized' }, times: 1 });
    const vague = await integration.poll!(entryA, { ...ra, primed: false }, ctx).catch((e) => e);
    expect(vague).toBeInstanceOf(EntryNotReady);
    expect(vague).not.toBeInstanceOf(AuthFailed);
    await expect(integration.poll!(entryA, { ...ra, primed: false }, ctx)).resolves.toBeTruthy();
  });

  it('a refresh token Ford refused is presented by no other entry or process of the account', async () => {
    const { sim, clock, storageDir, integration, entryA, entryB, tokenFile } = await twoVehicles();
    // A second integration instance on the same token file (another process, as far as sessions go).
    const other = createFordPassIntegration({ api: simUrls(sim), storageDir, clock });
    const ctx = setupContext(clock);
    const ra = await integration.setup(entryA, ctx);
    const rb = await integration.setup(entryB, ctx);
    const ro = await other.setup(entryB, ctx);
    sim.control.revoke(USER);
    clock.advance(CAT_LIFETIME_MS);
    const asked = () => sim.state.stats().routes.refresh ?? 0;
    const before = asked();
    const first = await integration.poll!(entryA, { ...ra, primed: false }, ctx).catch((e) => e);
    expect(first).toBeInstanceOf(TokenInvalid);
    expect(asked()).toBe(before + 1);
    // The other vehicle, and the other process, learn it from the store: Ford is not asked again.
    const results = await Promise.all([
      integration.poll!(entryB, { ...rb, primed: false }, ctx).catch((e) => e),
      other.poll!(entryB, { ...ro, primed: false }, ctx).catch((e) => e),
    ]);
    for (const r of results) expect(r).toBeInstanceOf(TokenInvalid);
    expect(asked()).toBe(before + 1);
    expect(JSON.parse(await readFile(tokenFile, 'utf8'))).toHaveProperty('refusedAt');
  });

  it('refresh 460 with the entry runtime: exactly ONE reauth flow for the account, both entries waiting', async () => {
    const { sim, clock, manager, integration, entryA, entryB, tokenFile } = await twoVehicles();
    const runtime = new EntryRuntime({ manager, integrations: [integration], clock, random: () => 0 });
    await runtime.start();
    expect(runtime.status(entryA.entryId).state).toBe('loaded');
    expect(runtime.status(entryB.entryId).state).toBe('loaded');
    sim.control.revoke(USER);

    // Both entries' next polls (900 s) fail; the CAT token expires in between.
    clock.advance(CAT_LIFETIME_MS);
    await runtime.idle();
    expect(manager.entries.get(entryA.entryId)).toMatchObject({
      state: 'setup_error',
      reason: 'Ford rejected the refresh token: sign in again',
    });
    expect(manager.entries.get(entryB.entryId)).toMatchObject({
      state: 'setup_error',
      reason: 'Ford rejected the refresh token: sign in again',
    });
    expect(manager.list({ source: 'reauth' })).toHaveLength(1);
    // No polling goes on against a dead account.
    const requests = sim.state.stats().accounts[USER]!.requests;
    clock.advance(6 * 3600_000);
    await runtime.idle();
    expect(sim.state.stats().accounts[USER]!.requests).toBe(requests);
    expect(manager.list({ source: 'reauth' })).toHaveLength(1);

    // Signing in again (same account) brings both back.
    const [flow] = manager.list({ source: 'reauth' });
    const confirm = await manager.configure(flow!.flowId);
    expect(confirm).toMatchObject({ stepId: 'reauth_confirm' });
    const token = await manager.configure(flow!.flowId, { region: 'deu' });
    const done = await manager.configure(flow!.flowId, { url: await browserSignIn(sim, token.url!, USER) });
    expect(done).toMatchObject({ type: 'abort', reason: 'reauth_successful' });
    await runtime.idle();
    // The sign-in's pair carries no refusal: its refresh token is presented when due.
    expect(JSON.parse(await readFile(tokenFile, 'utf8'))).not.toHaveProperty('refusedAt');
    expect(manager.entries.get(entryA.entryId)!.state).toBe('loaded');
    expect(manager.entries.get(entryB.entryId)!.state).toBe('loaded');
    await runtime.stop();
  });
});
