// Before the tests: @configflow/postgres's tests (and `pnpm soak --cluster`) start a throwaway
// PostgreSQL cluster of their own, so the server's binaries (initdb, pg_ctl) must be installed.
// Uses $CONFIGFLOW_PG_BIN or Debian's /usr/lib/postgresql/<version>/bin; otherwise installs Debian's
// `postgresql` package with apt-get (as root, or through passwordless sudo) and says so first.
// Set CONFIGFLOW_SKIP_POSTGRES_INSTALL=1 to be told what is missing instead.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall } from './aptInstall.mjs';

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
aptInstall({
  name: 'PostgreSQL server',
  pkg: 'postgresql',
  size: '50 MB',
  missing: `no PostgreSQL server found (looked in ${ROOT}/*/bin); the cluster tests need one`,
  manual,
  skipVar: 'CONFIGFLOW_SKIP_POSTGRES_INSTALL',
  say,
});
const installed = findBin();
if (!installed) {
  say(`apt-get installed postgresql but no initdb is in ${ROOT}/*/bin; ${manual}`);
  process.exit(1);
}
say(`installed ${installed}`);
