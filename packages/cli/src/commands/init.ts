import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type StarterPackages, starterFiles, starterNames, tarballsIn } from '../starter.ts';

const USAGE = `Usage: configflow init <dir> [options]

Writes a new integration package into <dir> (which must be empty or not exist): a config flow with
user, reauth, reconfigure and options steps, its strings, an integration (setup, poll, error
mapping), tests with @configflow/testing, and a configflow.config.ts, so that "npm install",
"npm test" and "npm start" work at once.

Options:
  --domain <domain>   the integration's domain (default: from the directory name, e.g. my_lamp)
  --packages <dir>    install @configflow packages from the tarballs in <dir> (made by this repo's
                      "pnpm run pack") instead of the npm registry
  -h, --help          show this help`;

export async function run(argv: string[]): Promise<number> {
  const fail = (message: string) => {
    process.stderr.write(`configflow init: ${message}\n\n${USAGE}\n`);
    return 2;
  };
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    return fail((error as Error).message);
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [target, ...extra] = args.positionals;
  if (!target || extra.length > 0) return fail('give exactly one directory');
  const dir = resolve(target);
  if (existsSync(dir) && (await readdir(dir)).length > 0) return fail(`${dir} is not empty`);
  const names = starterNames(basename(dir), args.values.domain);
  if (!/^[a-z][a-z0-9_]*$/.test(names.domain))
    return fail(
      `"${names.domain}" is not a domain (lower case letters, digits and _, starting with a letter)`,
    );

  let from: StarterPackages;
  if (args.values.packages !== undefined) {
    const tarballs = await tarballsIn(resolve(args.values.packages)).catch(() => undefined);
    if (!tarballs?.['@configflow/cli'])
      return fail(
        `${resolve(args.values.packages)} has no configflow tarballs (make them with "pnpm run pack")`,
      );
    from = { tarballs };
  } else {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    from = { registry: (pkg as { version: string }).version };
  }
  let files: Map<string, string>;
  try {
    files = await starterFiles(names, from);
  } catch (error) {
    return fail((error as Error).message);
  }
  for (const [path, text] of files) {
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  const where = relative(process.cwd(), dir) || '.';
  process.stdout.write(
    `Wrote the ${names.domain} integration to ${where} (${files.size} files).\n\n` +
      `  cd ${where}\n  npm install\n  npm test\n  npm start     # then open http://127.0.0.1:8123\n`,
  );
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      domain: { type: 'string' },
      packages: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
