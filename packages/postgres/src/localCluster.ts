import { execFile } from 'node:child_process';
import { chmod, chown, existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const chownAsync = promisify(chown);
const chmodAsync = promisify(chmod);

/** A throwaway PostgreSQL server: for tests, `pnpm soak --cluster` and the bench, never for data. */
export interface LocalCluster {
  /** `postgres://…` of the cluster's `postgres` database. */
  url: string;
  port: number;
  /** Creates a fresh database and returns its URL (each test file gets its own). */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Debian keeps each major version's server under /usr/lib/postgresql/<version>/bin. */
export function findPostgresBin(): string | undefined {
  if (process.env.CONFIGFLOW_PG_BIN) return process.env.CONFIGFLOW_PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))[0];
  return version === undefined ? undefined : join(root, version, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let counter = 0;

/**
 * Starts a cluster in a temp dir on a free loopback port. PostgreSQL refuses to run as root, so as
 * root the cluster belongs to the `postgres` user Debian's package creates.
 */
export async function startLocalCluster(): Promise<LocalCluster> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('no PostgreSQL server found: run `node scripts/ensure-postgres.mjs`');
  const dir = await mkdtemp(join(tmpdir(), 'configflow-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const uid = Number(stdout.trim());
    const { stdout: g } = await run('id', ['-g', 'postgres']);
    await chownAsync(dir, uid, Number(g.trim()));
    await chmodAsync(dir, 0o700);
  }
  const as = (cmd: string, args: string[]) =>
    asRoot
      ? run('su', ['postgres', '-s', '/bin/sh', '-c', [cmd, ...args].map(shellQuote).join(' ')])
      : run(cmd, args);
  await as(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  let port = 0;
  // A port found free can be taken before the server binds it: try a few.
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    const options = `-c port=${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    try {
      await as(join(bin, 'pg_ctl'), [
        '-D',
        data,
        '-o',
        options,
        '-l',
        join(dir, 'log'),
        '-w',
        '-t',
        '60',
        'start',
      ]);
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    async createDatabase(name = `t${process.pid}_${++counter}`) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
