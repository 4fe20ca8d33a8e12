import { InProcessLock, type Lock } from '@configflow/core';
import type pg from 'pg';

/**
 * The `Lock` across processes: a PostgreSQL session advisory lock per key, held on a connection of its
 * own for as long as `fn` runs. A process that dies loses its connection, and PostgreSQL releases its
 * locks with it, so no lock outlives its holder. Waiters in this process queue in memory first, so
 * one key holds at most one connection.
 */
export class PgLock implements Lock {
  private readonly local = new InProcessLock();
  constructor(
    private readonly pool: pg.Pool,
    /** Runs once the lock is held, before `fn`: a cluster re-reads what others may have changed meanwhile. */
    private readonly onAcquired?: (key: string) => Promise<void>,
  ) {}

  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.local.withLock(key, async () => {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      // A connection lost while held (the server restarted) must not crash the process; the lock is
      // gone with it, and the unlock below fails and discards the connection.
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      try {
        await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
        await this.onAcquired?.(key);
        return await fn();
      } finally {
        try {
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
        } catch (error) {
          // A connection that cannot unlock is closed, which unlocks.
          broken = error as Error;
        }
        client.off('error', onError);
        client.release(broken);
      }
    });
  }
}
