import { afterAll, beforeAll } from 'vitest';
import { type LocalCluster, startLocalCluster } from '../../src/index.ts';

/**
 * One throwaway PostgreSQL cluster per test file (about a second to start), on a free loopback port;
 * `database()` makes a fresh database in it, so tests share nothing.
 */
export function useCluster(): { database(): Promise<string>; cluster(): LocalCluster } {
  let cluster: LocalCluster | undefined;
  beforeAll(async () => {
    cluster = await startLocalCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return {
    database: () => cluster!.createDatabase(),
    cluster: () => cluster!,
  };
}

/** Waits for a condition another connection makes true (a NOTIFY), bounded: never a fixed sleep. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 10_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
