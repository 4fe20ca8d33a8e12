/**
 * Account-scoped mutual exclusion, keyed by the token file's path. Module-wide on purpose: two
 * integration instances in one process (say, one being reloaded) share the file and must share the lock.
 * Refresh tokens rotate, so two refreshes racing with the same token make one of them fail with 460.
 */
const tails = new Map<string, Promise<unknown>>();

export async function withAccountLock<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => mine);
  tails.set(key, tail);
  await previous.catch(() => {});
  try {
    return await work();
  } finally {
    release();
    if (tails.get(key) === tail) tails.delete(key);
  }
}
