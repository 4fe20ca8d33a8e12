import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
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

export type LoadResult = { ok: true; tokens: AccountTokens } | { ok: false; why: 'missing' | 'corrupt' };

/**
 * One Ford account's tokens on disk, shared by every entry of the account. Writes are atomic (temp
 * file, fsync, rename), so a crash leaves the old or the new pair, never a torn file.
 */
export class TokenStore {
  readonly path: string;

  constructor(
    readonly storageDir: string,
    readonly accountId: string,
  ) {
    this.path = join(tokenDir(storageDir), fileNameFor(accountId));
  }

  /** Always reads the disk: after taking the account lock, another holder may have rotated the pair. */
  async load(): Promise<LoadResult> {
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
    await mkdir(dir, { recursive: true });
    const probe = join(dir, `.probe-${process.pid}`);
    await writeFileAtomic(probe, 'ok');
    await unlink(probe);
    return true;
  } catch {
    return false;
  }
}
