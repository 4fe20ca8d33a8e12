import { randomFillSync } from 'node:crypto';

// Random bytes are drawn in blocks: one syscall per 256 ids instead of one per id.
const BLOCK = 16 * 256;
const pool = Buffer.allocUnsafe(BLOCK);
let offset = BLOCK;

/** Unguessable ids: 128 random bits from the OS CSPRNG, hex. A flow id is a capability to drive that flow. */
export function randomId(): string {
  if (offset >= BLOCK) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('hex', offset, offset + 16);
  offset += 16;
  return id;
}
