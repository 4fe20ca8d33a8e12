// Before the tests: the web UI's and the form renderers' end-to-end tests drive a real Chromium.
// Uses $CONFIGFLOW_CHROMIUM or a system Chromium when there is one; otherwise installs Debian's
// `chromium` package with apt-get (as root, or through passwordless sudo) and says so first.
// Set CONFIGFLOW_SKIP_BROWSER_INSTALL=1 to be told what is missing instead.
import { existsSync } from 'node:fs';
import { aptInstall } from './aptInstall.mjs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const say = (line) => process.stderr.write(`ensure-browser: ${line}\n`);

const found = process.env.CONFIGFLOW_CHROMIUM || CANDIDATES.find((path) => existsSync(path));
if (found && existsSync(found)) process.exit(0);

const manual =
  'install Debian\'s chromium ("sudo apt-get install chromium") or set CONFIGFLOW_CHROMIUM to a Chromium binary';
if (process.env.CONFIGFLOW_CHROMIUM) {
  say(`CONFIGFLOW_CHROMIUM=${process.env.CONFIGFLOW_CHROMIUM} does not exist; ${manual}`);
  process.exit(1);
}
aptInstall({
  name: 'Chromium',
  pkg: 'chromium',
  size: '100 MB',
  missing: `no Chromium found (looked at ${CANDIDATES.join(', ')}); the browser tests need one`,
  manual,
  skipVar: 'CONFIGFLOW_SKIP_BROWSER_INSTALL',
  say,
});
if (!CANDIDATES.some((path) => existsSync(path))) {
  say(`apt-get installed chromium but no binary is at ${CANDIDATES.join(' or ')}; ${manual}`);
  process.exit(1);
}
say('installed /usr/bin/chromium');
