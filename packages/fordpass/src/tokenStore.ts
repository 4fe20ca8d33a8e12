import { createHash } from 'node:crypto';
import { chmod, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@configflow/core';
import { z } from 'zod';
import { BRANDS } from './regions.ts';

/** What is kept per Ford account. Only the CAT pair is persisted: the Autonomic token lives 300 s. */
export const accountTokensSchema = z.object({
  version: z.literal(1),
  accountId: z.string().min(1),
  /** The e-mail from the sign-in, to tell accounts apart in "add a vehicle". */
  label: z.string(),
  brand: z.enum(BRANDS),
  region: z.string().min(1),
  catAccessToken: z.string().min(1),
  catRefreshToken: z.string().min(1),
  /** Epoch ms. */
  catExpiresAt: z.number(),
  catRefreshExpiresAt: z.number().nullable(),
  updatedAt: z.number(),
  /**
   * Epoch ms when Ford refused this pair's refresh token for good (460). Kept with the pair, so no
   * other entry or server of the account presents it again; a sign-in writes a pair without it.
   */
  refusedAt: z.number().optional(),
});
export type AccountTokens = z.output<typeof accountTokensSchema>;

export type StoredAccount = Pick<AccountTokens, 'accountId' | 'label' | 'brand' | 'region'>;

/** `<storageDir>/fordpass`: never a code folder, so upgrades of the adapter cannot wipe it. */
export function tokenDir(storageDir: string): string {
  return join(storageDir, 'fordpass');
}

/** A file name any account id maps to safely (ids are Ford's UUID subjects; anything else is hashed). */
function fileNameFor(accountId: string): string {
  const safe = /^[A-Za-z0-9_-]{1,128}$/.test(accountId)
    ? accountId
    : createHash('sha256').update(accountId).digest('hex');
  return `${safe}.json`;
}

/** Temp files of the atomic writer: `.<file>.<random>.tmp`. */
const TEMP_FILE = /^\.(.+)\.[^.]+\.tmp$/;

function parseTokens(text: string): AccountTokens | undefined {
  try {
    const parsed = accountTokensSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function readTokens(path: string): Promise<AccountTokens | undefined> {
  try {
    return parseTokens(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * After a crash (kill -9, power loss) between Ford rotating the refresh token and the rename that
 * publishes the new pair, the only live pair can sit in a temp file. Per token file, the newest
 * complete pair for the same account among the file and its temp files becomes the file; every temp
 * file is then deleted (some hold live refresh tokens, some are empty). The folder and the files are
 * made readable by their owner only. Runs once per folder per process, before any read or write.
 */
export async function recoverTokenFiles(storageDir: string): Promise<{ recovered: number; deleted: number }> {
  const dir = tokenDir(storageDir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return { recovered: 0, deleted: 0 };
  }
  await chmod(dir, 0o700);
  const temps = new Map<string, string[]>();
  for (const name of names) {
    const target = TEMP_FILE.exec(name)?.[1];
    if (target === undefined) continue;
    temps.set(target, [...(temps.get(target) ?? []), name]);
  }
  let recovered = 0;
  let deleted = 0;
  for (const [target, tempNames] of temps) {
    const path = join(dir, target);
    const current = target.endsWith('.json') ? await readTokens(path) : undefined;
    let best: { name: string; tokens: AccountTokens } | undefined;
    for (const name of tempNames) {
      const tokens = target.endsWith('.json') ? await readTokens(join(dir, name)) : undefined;
      if (!tokens || fileNameFor(tokens.accountId) !== target) continue;
      if (current && current.accountId !== tokens.accountId) continue;
      // A complete temp file is the last save of its account before the crash (saves of one account
      // are serialised), so it wins a tie with the file it was meant to replace.
      const floor = best ? best.tokens.updatedAt : (current?.updatedAt ?? Number.NEGATIVE_INFINITY);
      if (best ? tokens.updatedAt <= floor : tokens.updatedAt < floor) continue;
      best = { name, tokens };
    }
    if (best) {
      await rename(join(dir, best.name), path);
      recovered++;
    }
    for (const name of tempNames) {
      if (name === best?.name) continue;
      await unlink(join(dir, name)).catch(() => {});
      deleted++;
    }
  }
  if (recovered > 0) {
    const handle = await open(dir, 'r');
    await handle.sync().finally(() => handle.close());
  }
  for (const name of await readdir(dir)) {
    if (name.endsWith('.json')) await chmod(join(dir, name), 0o600).catch(() => {});
  }
  return { recovered, deleted };
}

const recoveries = new Map<string, Promise<unknown>>();

/** The folder's recovery, run once per process (later calls wait for the same one). */
function recoverOnce(storageDir: string): Promise<unknown> {
  const dir = tokenDir(storageDir);
  let recovery = recoveries.get(dir);
  if (!recovery) {
    recovery = recoverTokenFiles(storageDir).catch(() => {});
    recoveries.set(dir, recovery);
  }
  return recovery;
}

export type LoadResult = { ok: true; tokens: AccountTokens } | { ok: false; why: 'missing' | 'corrupt' };

/**
 * Where one account's tokens are kept: the token file by default, or a database row shared by several
 * servers (`FordPassOptions.shared`). `lockKey` names the account lock that guards a rotation.
 */
export interface AccountTokenStore {
  readonly accountId: string;
  readonly lockKey: string;
  load(): Promise<LoadResult>;
  save(tokens: AccountTokens): Promise<void>;
  remove(): Promise<void>;
}

/**
 * One Ford account's tokens on disk, shared by every entry of the account. Writes are atomic (temp
 * file, fsync, rename), so a crash leaves the old or the new pair, never a torn file.
 */
export class TokenStore implements AccountTokenStore {
  readonly path: string;

  constructor(
    readonly storageDir: string,
    readonly accountId: string,
  ) {
    this.path = join(tokenDir(storageDir), fileNameFor(accountId));
  }

  get lockKey(): string {
    return this.path;
  }

  /** Always reads the disk: after taking the account lock, another holder may have rotated the pair. */
  async load(): Promise<LoadResult> {
    await recoverOnce(this.storageDir);
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, why: 'missing' };
      throw error;
    }
    try {
      const parsed = accountTokensSchema.safeParse(JSON.parse(text));
      if (parsed.success && parsed.data.accountId === this.accountId)
        return { ok: true, tokens: parsed.data };
    } catch {
      // fall through: unreadable JSON is the same as a wrong shape
    }
    return { ok: false, why: 'corrupt' };
  }

  async save(tokens: AccountTokens): Promise<void> {
    await recoverOnce(this.storageDir);
    // Refresh tokens are the account: readable by their owner only (the files are written 0600).
    await mkdir(tokenDir(this.storageDir), { recursive: true, mode: 0o700 });
    await chmod(tokenDir(this.storageDir), 0o700);
    await writeFileAtomic(this.path, `${JSON.stringify(accountTokensSchema.parse(tokens), null, 2)}\n`);
  }

  async remove(): Promise<void> {
    await unlink(this.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
}

/** Accounts with a readable token file: what "add a vehicle to a signed-in account" offers. */
export async function listStoredAccounts(storageDir: string): Promise<StoredAccount[]> {
  await recoverOnce(storageDir);
  let names: string[];
  try {
    names = await readdir(tokenDir(storageDir));
  } catch {
    // No folder yet, or not readable: no account to offer (the brand step reports an unwritable folder).
    return [];
  }
  const accounts: StoredAccount[] = [];
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
    try {
      const parsed = accountTokensSchema.safeParse(
        JSON.parse(await readFile(join(tokenDir(storageDir), name), 'utf8')),
      );
      if (parsed.success) {
        const { accountId, label, brand, region } = parsed.data;
        accounts.push({ accountId, label, brand, region });
      }
    } catch {
      // An unreadable file is skipped here; setup of its entries reports it.
    }
  }
  return accounts;
}

/** Fails when the token directory cannot be written (the flow aborts `no_filesystem_access`). */
export async function checkWritable(storageDir: string): Promise<boolean> {
  const dir = tokenDir(storageDir);
  try {
    await recoverOnce(storageDir);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const probe = join(dir, `.probe-${process.pid}`);
    await writeFileAtomic(probe, 'ok');
    await unlink(probe);
    return true;
  } catch {
    return false;
  }
}
