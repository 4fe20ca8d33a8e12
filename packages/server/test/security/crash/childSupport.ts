/** What both crash children share: a seeded random source and acknowledgements on stdout. */
import { createHash } from 'node:crypto';

let seed = Number(process.argv[3]) || 1;
/** Deterministic per trial (mulberry32), so a failing trial can be rerun. */
export function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Written synchronously (stdout is a pipe): once written, the parent hears it even if killed next. */
export const ack = (line: string) => process.stdout.write(`${line}\n`);

/** Refresh tokens are named by a hash in acknowledgements: the parent never needs the token itself. */
export const tokenId = (token: string) => createHash('sha256').update(token).digest('hex').slice(0, 16);
