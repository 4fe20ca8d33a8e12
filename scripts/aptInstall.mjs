// What scripts/ensure-*.mjs share: install one Debian package with apt-get when it is missing, as
// root or through passwordless sudo, saying so first. Exits the process with 1 and `manual` (what
// the user can do instead) when it cannot, or when `skipVar` is set in the environment.
import { execFileSync, spawnSync } from 'node:child_process';

/** @param {{ name: string, pkg: string, size: string, missing: string, manual: string, skipVar: string, say: (line: string) => void }} o */
export function aptInstall({ name, pkg, size, missing, manual, skipVar, say }) {
  const hasAptGet = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  const root = process.getuid?.() === 0;
  const sudo = !root && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (process.env[skipVar] || !hasAptGet || !(root || sudo)) {
    say(`${missing}: ${manual}`);
    process.exit(1);
  }
  say(`no ${name} found; installing Debian's ${pkg} package with apt-get (once; about ${size})…`);
  const run = (args) =>
    execFileSync(sudo ? 'sudo' : args[0], sudo ? ['-n', ...args] : args.slice(1), {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  try {
    run(['apt-get', 'update', '-qq']);
    run(['apt-get', 'install', '-y', '-qq', pkg]);
  } catch (error) {
    say(`apt-get failed (${error.message}); ${manual}`);
    process.exit(1);
  }
}
