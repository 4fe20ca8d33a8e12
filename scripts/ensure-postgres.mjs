// Before the tests: @configflow/postgres's tests (and `pnpm soak --cluster`) start a throwaway
// PostgreSQL cluster of their own, so the server's binaries (initdb, pg_ctl) must be installed.
// Uses $CONFIGFLOW_PG_BIN or Debian's /usr/lib/postgresql/<version>/bin; otherwise installs Debian's
// `postgresql` package with apt-get (as root, or through passwordless sudo) and says so first.
// Set CONFIGFLOW_SKIP_POSTGRES_INSTALL=1 to be told what is missing instead.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const say = (line) => process.stderr.write(`ensure-postgres: ${line}\n`);
const ROOT = '/usr/lib/postgresql';

function findBin() {
  if (process.env.CONFIGFLOW_PG_BIN) return process.env.CONFIGFLOW_PG_BIN;
  if (!existsSync(ROOT)) return undefined;
  const versions = readdirSync(ROOT)
    .filter((v) => existsSync(join(ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(ROOT, versions[0], 'bin');
}

const manual =
  'install Debian\'s postgresql ("sudo apt-get install postgresql") or set CONFIGFLOW_PG_BIN to the folder holding initdb and pg_ctl';
const found = findBin();
if (found && existsSync(join(found, 'initdb'))) process.exit(0);
if (process.env.CONFIGFLOW_PG_BIN) {
  say(`CONFIGFLOW_PG_BIN=${process.env.CONFIGFLOW_PG_BIN} holds no initdb; ${manual}`);
  process.exit(1);
}
const hasAptGet = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
const root = process.getuid?.() === 0;
const sudo = !root && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
if (process.env.CONFIGFLOW_SKIP_POSTGRES_INSTALL || !hasAptGet || !(root || sudo)) {
  say(`no PostgreSQL server found (looked in ${ROOT}/*/bin); the cluster tests need one: ${manual}`);
  process.exit(1);
}
say("no PostgreSQL server found; installing Debian's postgresql package with apt-get (once; about 50 MB)…");
const run = (args) =>
  execFileSync(sudo ? 'sudo' : args[0], sudo ? ['-n', ...args] : args.slice(1), {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
try {
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', 'postgresql']);
} catch (error) {
  say(`apt-get failed (${error.message}); ${manual}`);
  process.exit(1);
}
const installed = findBin();
if (!installed) {
  say(`apt-get installed postgresql but no initdb is in ${ROOT}/*/bin; ${manual}`);
  process.exit(1);
}
say(`installed ${installed}`);
