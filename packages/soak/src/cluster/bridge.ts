import { createRequire } from 'node:module';

export { type ServeProcess, startServe } from '../../../cli/test/serve-support/serveProcess.ts';
/**
 * What the cluster soak borrows from packages it does not depend on (yet): the throwaway PostgreSQL
 * server and its `pg` client from @configflow/postgres, and the `configflow serve` launcher the CLI's
 * tests use. One file, so a dependency added to package.json later changes only these lines.
 */
export { leaseTiming } from '../../../postgres/src/cluster.ts';
export { type LocalCluster, startLocalCluster } from '../../../postgres/src/localCluster.ts';

/** The part of pg's Pool the soak uses (it only reads, and it never holds a connection long). */
export interface Pool {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

const pg = createRequire(new URL('../../../postgres/package.json', import.meta.url))('pg') as {
  Pool: new (config: { connectionString: string; max?: number; application_name?: string }) => Pool;
};

export function openPool(url: string): Pool {
  const pool = new pg.Pool({ connectionString: url, max: 3, application_name: 'configflow-soak' });
  pool.on('error', () => {});
  return pool;
}
