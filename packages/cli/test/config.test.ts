import { mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STARTER_VERSIONS } from '../src/starter.ts';
import { runConfigflow, startServe } from './serve-support/serveProcess.ts';

const TMP = resolve(import.meta.dirname, '../.tmp');
const REPO = resolve(import.meta.dirname, '../../..');
let dir: string;

const LAMP = `import { defineConfigFlow } from '@configflow/core';
import { z } from 'zod';
export default {
  flow: defineConfigFlow({
    domain: 'lamp', title: 'Lamp', version: 1, sources: { user: 'user' },
    steps: ({ form }) => ({
      user: form({ schema: z.object({ host: z.string() }), next: ['create_entry'],
        async submit({ host }, flow) { return flow.createEntry({ title: host, data: { host } }); } }),
    }),
  }),
  async setup() {},
};
`;

/** A user's project: its files, and node_modules linking what it imports to this workspace. */
async function project(files: Record<string, string>): Promise<string> {
  const at = await mkdtemp(join(dir, 'p-'));
  await mkdir(join(at, 'node_modules/@configflow'), { recursive: true });
  await symlink(join(REPO, 'packages/cli'), join(at, 'node_modules/@configflow/cli'));
  await symlink(join(REPO, 'packages/core'), join(at, 'node_modules/@configflow/core'));
  await symlink(await realpath(join(REPO, 'packages/core/node_modules/zod')), join(at, 'node_modules/zod'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(at, name, '..'), { recursive: true });
    await writeFile(join(at, name), text);
  }
  return at;
}
const config = (integrations: string) =>
  `import { defineConfig } from '@configflow/cli';\nexport default defineConfig({ integrations: [${integrations}] });\n`;

beforeAll(async () => {
  await mkdir(TMP, { recursive: true });
  dir = await mkdtemp(join(TMP, 'config-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A user's mistake: exit 2, one message naming the file, never a stack trace. */
async function expectConfigError(cwd: string, args: string[], file: string, text: string | RegExp) {
  const r = await runConfigflow(args, { cwd });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(file);
  expect(r.stderr).toMatch(text);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('configflow.config.ts', { timeout: 60_000 }, () => {
  it('lists the integrations serve, run, viz and help use', async () => {
    const cwd = await project({ 'configflow.config.ts': config(`'./src/lamp.ts'`), 'src/lamp.ts': LAMP });
    const help = await runConfigflow(['help'], { cwd });
    expect(help.stdout).toContain(`Integrations in ${join(cwd, 'configflow.config.ts')}: lamp`);
    const viz = await runConfigflow(['viz', 'lamp'], { cwd });
    expect(viz.code).toBe(0);
    expect(viz.stdout).toContain('lamp__user');
    const demo = await runConfigflow(['viz', 'hello'], { cwd });
    expect(demo.stderr).toContain('unknown domain "hello" (known: lamp)');
    // viz only reads: no data dir, no lock
    expect((await readdir(cwd)).sort()).toEqual(['configflow.config.ts', 'node_modules', 'src']);
  });

  it('is found with --config, in any of .ts, .mts, .js, .mjs', async () => {
    const cwd = await project({
      'conf/my.config.mjs': `export default { integrations: ['../src/lamp.ts'] };\n`,
      'src/lamp.ts': LAMP,
    });
    const r = await runConfigflow(['viz', 'lamp', '--config', 'conf/my.config.mjs'], { cwd });
    expect(r.code).toBe(0);
    await expectConfigError(
      cwd,
      ['viz', 'lamp', '--config', 'nope.ts'],
      join(cwd, 'nope.ts'),
      /no such config file/,
    );
  });

  it('a module that fails to import is named, with its error', async () => {
    const cwd = await project({
      'configflow.config.ts': config(`'./src/lamp.ts'`),
      'src/lamp.ts': `import './missing.ts';\n`,
    });
    await expectConfigError(
      cwd,
      ['serve', '--port', '0'],
      join(cwd, 'src/lamp.ts'),
      /cannot be loaded: .*missing\.ts/,
    );
  });

  it('a module with no integration export is named', async () => {
    const cwd = await project({
      'configflow.config.ts': config(`'./src/lamp.ts'`),
      'src/lamp.ts': 'export const x = 1;\n',
    });
    await expectConfigError(cwd, ['viz', 'lamp'], join(cwd, 'src/lamp.ts'), /exports no integration/);
    await expectConfigError(
      cwd,
      ['serve', '--port', '0'],
      join(cwd, 'src/lamp.ts'),
      /exports no integration/,
    );
  });

  it('a flow definition error is named with its file', async () => {
    const broken = LAMP.replace("next: ['create_entry']", "next: ['nowhere']");
    const cwd = await project({ 'configflow.config.ts': config(`'./src/lamp.ts'`), 'src/lamp.ts': broken });
    await expectConfigError(
      cwd,
      ['viz', 'lamp'],
      join(cwd, 'src/lamp.ts'),
      /FlowDefinitionError: [\s\S]*nowhere/,
    );
  });

  it('a config with a syntax error, no default export, or bad fields is named', async () => {
    const syntax = await project({ 'configflow.config.ts': 'export default {\n' });
    await expectConfigError(syntax, ['serve'], join(syntax, 'configflow.config.ts'), /cannot be loaded/);
    const none = await project({ 'configflow.config.mjs': 'export const integrations = [];\n' });
    await expectConfigError(none, ['serve'], join(none, 'configflow.config.mjs'), /no default export/);
    const port = await project({
      'configflow.config.mjs': `export default { integrations: ['./x.mjs'], port: 'eighty' };\n`,
    });
    await expectConfigError(
      port,
      ['serve'],
      join(port, 'configflow.config.mjs'),
      /`port` must be a port number/,
    );
    const notOne = await project({
      'configflow.config.mjs': `export default { integrations: ['./x.mjs'] };\n`,
      'x.mjs': 'export default { flow: {} };\n',
    });
    await expectConfigError(notOne, ['serve'], join(notOne, 'x.mjs'), /is not an Integration/);
  });

  it('gives serve its data dir and token; flags win', async () => {
    const cwd = await project({
      'configflow.config.mjs': `export default { integrations: ['./src/lamp.ts'], dataDir: 'state', auth: { token: 'abc' } };\n`,
      'src/lamp.ts': LAMP,
    });
    const serve = await startServe(['--port', '0'], {}, { cwd });
    try {
      expect(serve.stdout()).toContain(`Data dir: ${join(cwd, 'state')}\n`);
      expect((await fetch(`${serve.url}/api/handlers`)).status).toBe(401);
      const ok = await fetch(`${serve.url}/api/handlers`, { headers: { authorization: 'Bearer abc' } });
      expect(await ok.json()).toEqual([{ domain: 'lamp', title: 'Lamp', sources: ['user'] }]);
    } finally {
      expect(await serve.stop('SIGTERM')).toBe(0);
    }
    const other = await startServe(['--port', '0', '--data-dir', 'other', '--token', 'xyz'], {}, { cwd });
    try {
      expect(other.stdout()).toContain(`Data dir: ${join(cwd, 'other')}\n`);
      const ok = await fetch(`${other.url}/api/handlers`, { headers: { authorization: 'Bearer xyz' } });
      expect(ok.status).toBe(200);
    } finally {
      await other.stop('SIGTERM');
    }
  });

  it('refuses an empty auth.token', async () => {
    const cwd = await project({
      'configflow.config.mjs': `export default { integrations: ['./src/lamp.ts'], dataDir: 'state', auth: { token: '' } };\n`,
      'src/lamp.ts': LAMP,
    });
    await expectConfigError(
      cwd,
      ['serve'],
      join(cwd, 'configflow.config.mjs'),
      /`auth.token` must be a non-empty string/,
    );
  });
});

describe('configflow usage', { timeout: 60_000 }, () => {
  it('configflow alone is a usage error (2); help and --version answer 0', async () => {
    expect((await runConfigflow([])).code).toBe(2);
    const help = await runConfigflow(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Integrations (the demo): hello, fordpass');
    const version = await runConfigflow(['--version']);
    expect(version.stdout.trim()).toBe(
      JSON.parse(await readFile(resolve(import.meta.dirname, '../package.json'), 'utf8')).version,
    );
  });

  it('viz --flow options points to --options; -o into a missing directory is one line, exit 1', async () => {
    const flow = await runConfigflow(['viz', 'hello', '--flow', 'options']);
    expect(flow.code).toBe(2);
    expect(flow.stderr).toContain('for the options flow, use --options');
    const out = await runConfigflow(['viz', 'hello', '-o', join(dir, 'missing/dir/x.svg')]);
    expect(out.code).toBe(1);
    expect(out.stderr).toBe(
      `configflow viz: cannot write ${join(dir, 'missing/dir/x.svg')}: its directory does not exist\n`,
    );
  });

  it('serve refuses an empty --token', async () => {
    const r = await runConfigflow(['serve', '--token', '']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--token must not be empty');
  });

  it("init's dependency ranges are the repo's own", async () => {
    const root = JSON.parse(await readFile(resolve(import.meta.dirname, '../../../package.json'), 'utf8'));
    const hello = JSON.parse(
      await readFile(resolve(import.meta.dirname, '../../../examples/hello/package.json'), 'utf8'),
    );
    expect(STARTER_VERSIONS).toEqual({
      zod: hello.dependencies.zod,
      vitest: root.devDependencies.vitest,
      typescript: root.devDependencies.typescript,
      '@types/node': root.devDependencies['@types/node'],
    });
  });

  it('init refuses a directory that is not empty, and a name that is no domain', async () => {
    const full = await project({ 'x.txt': 'x' });
    const r = await runConfigflow(['init', full]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not empty');
    const bad = await runConfigflow(['init', join(dir, 'ok'), '--domain', 'Not-A-Domain']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"Not-A-Domain" is not a domain');
  });
});
