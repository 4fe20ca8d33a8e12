import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AccountTokens, TokenStore } from '@configflow/fordpass';
import { afterEach, describe, expect, it } from 'vitest';

// Attack 9: kill -9 between Ford rotating the refresh token and the rename left the only live pair in
// a `.tmp` file nobody read; temp files piled up; token files were world-readable.
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const ACCOUNT = '5b2c9e3e-1f0a-4c55-9d59-0c3b7f1d2a61';
function pair(refresh: string, updatedAt: number): AccountTokens {
  return {
    version: 1,
    accountId: ACCOUNT,
    label: 'demo@example.com',
    brand: 'ford',
    region: 'deu',
    catAccessToken: `access-${refresh}`,
    catRefreshToken: refresh,
    catExpiresAt: updatedAt + 1_800_000,
    catRefreshExpiresAt: null,
    updatedAt,
  };
}

describe('token files after a crash', () => {
  it('the newest complete pair in a temp file wins; every temp file goes; owner-only modes', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cf-tokens-'));
    dirs.push(dataDir);
    const folder = join(dataDir, 'fordpass');
    await mkdir(folder, { mode: 0o755 });
    const file = `${ACCOUNT}.json`;
    await writeFile(join(folder, file), JSON.stringify(pair('old', 1_000)), { mode: 0o644 });
    // The rotated pair, written and synced, then the kill before the rename.
    await writeFile(join(folder, `.${file}.a1b2.tmp`), JSON.stringify(pair('rotated', 2_000)));
    // An older interrupted write, an empty one, and a torn one.
    await writeFile(join(folder, `.${file}.c3d4.tmp`), JSON.stringify(pair('older', 500)));
    await writeFile(join(folder, `.${file}.e5f6.tmp`), '');
    await writeFile(join(folder, `.${file}.g7h8.tmp`), '{"version":1,"accountId":');
    await writeFile(join(folder, '..probe-1.x9.tmp'), 'ok');

    const loaded = await new TokenStore(dataDir, ACCOUNT).load();
    expect(loaded).toMatchObject({ ok: true, tokens: { catRefreshToken: 'rotated' } });
    expect(await readdir(folder)).toEqual([file]);
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    expect((await stat(join(folder, file))).mode & 0o777).toBe(0o600);
  });

  it('a temp file older than the token file is stale and deleted, never read', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cf-tokens-'));
    dirs.push(dataDir);
    const folder = join(dataDir, 'fordpass');
    await mkdir(folder);
    const file = `${ACCOUNT}.json`;
    await writeFile(join(folder, file), JSON.stringify(pair('current', 3_000)));
    await writeFile(join(folder, `.${file}.zz.tmp`), JSON.stringify(pair('stale', 2_000)));
    const loaded = await new TokenStore(dataDir, ACCOUNT).load();
    expect(loaded).toMatchObject({ ok: true, tokens: { catRefreshToken: 'current' } });
    expect(await readdir(folder)).toEqual([file]);
  });

  it('a new token folder and its files are owner-only', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cf-tokens-'));
    dirs.push(dataDir);
    await new TokenStore(dataDir, ACCOUNT).save(pair('first', 1));
    expect((await stat(join(dataDir, 'fordpass'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dataDir, 'fordpass', `${ACCOUNT}.json`))).mode & 0o777).toBe(0o600);
  });
});
