import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Versions the starter's package.json asks for; a test keeps them equal to this repo's own. */
export const STARTER_VERSIONS = {
  zod: '^4.6.7',
  vitest: '~4.1.12',
  typescript: '~5.9.3',
  '@types/node': '^20.19.0',
} as const;

/** Names derived from the package directory: `my-lamp` → domain `my_lamp`, `MyLamp`, "My lamp". */
export interface StarterNames {
  packageName: string;
  domain: string;
  pascal: string;
  title: string;
}

export function starterNames(packageName: string, domain?: string): StarterNames {
  const d =
    domain ??
    packageName
      .replace(/^@[^/]+\//, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
  const words = d.split('_').filter(Boolean);
  const pascal = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  const title = words.join(' ').replace(/^./, (c) => c.toUpperCase());
  return { packageName, domain: d, pascal, title };
}

/** Where the starter's sources are: dist/starter in the published package, the hello example in the repo. */
function starterRoot(): URL {
  const built = new URL('./starter/', import.meta.url);
  return existsSync(built) ? built : new URL('../../../examples/hello/', import.meta.url);
}

/** The hello example, renamed: `hello` becomes the domain, `Hello` the PascalCase name. */
function rename(text: string, names: StarterNames): string {
  return text.replaceAll('Hello', names.pascal).replaceAll('hello', names.domain);
}

/**
 * Where the starter's @configflow packages come from: the registry (`^version`), or a folder of
 * tarballs made by this repo's `pnpm run pack` (package name → tarball path).
 */
export type StarterPackages = { registry: string } | { tarballs: Record<string, string> };

/** Every file of the starter, path → contents. */
export async function starterFiles(names: StarterNames, from: StarterPackages): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const root = starterRoot();
  for (const dir of ['src', 'test']) {
    for (const name of (await readdir(new URL(`${dir}/`, root))).sort()) {
      if (!name.endsWith('.ts')) continue;
      const text = await readFile(fileURLToPath(new URL(`${dir}/${name}`, root)), 'utf8');
      files.set(`${dir}/${rename(name, names)}`, rename(text, names));
    }
  }
  const spec = (name: string) =>
    'registry' in from ? `^${from.registry}` : `file:${from.tarballs[name] ?? missing(name)}`;
  // From tarballs, the CLI's own @configflow dependencies are listed too, so npm takes them from there.
  const extra =
    'registry' in from
      ? {}
      : { '@configflow/server': spec('@configflow/server'), '@configflow/viz': spec('@configflow/viz') };
  const pkg = {
    name: names.packageName,
    version: '0.1.0',
    private: true,
    type: 'module',
    exports: { '.': './src/index.ts' },
    scripts: {
      start: 'configflow serve',
      test: 'vitest run',
      typecheck: 'tsc --noEmit',
      viz: `configflow viz ${names.domain} --format html -o ${names.domain}-flow.html`,
    },
    dependencies: {
      '@configflow/core': spec('@configflow/core'),
      '@configflow/forms': spec('@configflow/forms'),
      zod: STARTER_VERSIONS.zod,
    },
    devDependencies: {
      '@configflow/cli': spec('@configflow/cli'),
      '@configflow/testing': spec('@configflow/testing'),
      ...extra,
      '@types/node': STARTER_VERSIONS['@types/node'],
      typescript: STARTER_VERSIONS.typescript,
      vitest: STARTER_VERSIONS.vitest,
    },
  };
  files.set('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
  const config = await readFile(fileURLToPath(new URL('configflow.config.ts', root)), 'utf8');
  files.set('configflow.config.ts', rename(config, names));
  files.set(
    'tsconfig.json',
    `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          allowImportingTsExtensions: true,
          verbatimModuleSyntax: true,
          skipLibCheck: true,
          types: ['node'],
        },
        include: ['src', 'test', 'configflow.config.ts'],
      },
      null,
      2,
    )}\n`,
  );
  files.set('.gitignore', 'node_modules/\n.configflow/\n*-flow.html\n');
  files.set(
    'README.md',
    `# ${names.title}

A configflow integration: a config flow (\`user\`, \`reauth\`, \`reconfigure\` and an options flow) in
\`src/flow.ts\`, its texts in \`src/strings.ts\`, and the integration the entry runtime runs (setup, poll,
and which failures mean "sign in again") in \`src/integration.ts\`. The device client in
\`src/client.ts\` is a demo: replace it with your device's or service's API.

\`\`\`sh
npm install
npm test          # the flow and the integration, with @configflow/testing
npm start         # the web UI at http://127.0.0.1:8123: Add integration → ${names.title}
npx configflow run ${names.domain}    # the same flow in the terminal (stop npm start first)
npm run viz       # the flow as a statechart: ${names.domain}-flow.html
\`\`\`

The demo device accepts any host but \`offline\`, and tokens that start with \`${names.domain}-\`.
`,
  );
  return files;
}

function missing(name: string): never {
  throw new Error(`the packages folder has no tarball of ${name} (make them with "pnpm run pack")`);
}

/** The tarballs `pnpm run pack` wrote into `dir`: package name → absolute path. */
export async function tarballsIn(dir: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const file of await readdir(dir)) {
    const match = /^configflow-(.+)-\d+\.\d+\.\d+(?:-[\w.]+)?\.tgz$/.exec(file);
    if (match) found[`@configflow/${match[1]}`] = resolve(dir, file);
  }
  return found;
}
