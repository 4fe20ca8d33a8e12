import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConfigflow, type ServeProcess, startServe } from '../serve-support/serveProcess.ts';
import { Terminal } from '../support/terminal.ts';
import { buildAndPack, npmInstall, sh } from './pack.ts';

// Everything here runs from the packed tarballs, installed with npm into folders outside this
// workspace, on plain Node: what a user of the published packages gets.
let root: string;
let tarballs: Record<string, string>;
let consumer: string;
const running: ServeProcess[] = [];

const FLOW_MODULE = `import { defineConfigFlow, type Integration } from '@configflow/core';
import { z } from 'zod';

export const flow = defineConfigFlow({
  domain: 'lamp',
  title: 'Lamp',
  version: 1,
  strings: { en: { title: 'Lamp', config: { step: { user: { title: 'Add a lamp', data: { host: 'Host' } } } } } },
  sources: { user: 'user' },
  steps: ({ form }) => ({
    user: form({
      schema: z.object({ host: z.string().min(1) }),
      next: ['create_entry'],
      async submit({ host }, flow) {
        return flow.createEntry({ title: \`Lamp \${host}\`, data: { host } });
      },
    }),
  }),
});

const integration: Integration = { flow, async setup() {} };
export default integration;
`;

const tsconfig = (moduleResolution: 'node16' | 'bundler') => ({
  compilerOptions: {
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: false,
    target: 'ES2022',
    lib: ['ES2023'],
    module: moduleResolution === 'node16' ? 'node16' : 'preserve',
    moduleResolution,
    noEmit: true,
    types: ['node'],
  },
  include: ['src'],
});

/** POSTs JSON to a server as its own web UI does (same origin), answering the parsed body. */
const poster = (url: string) => (path: string, body: unknown) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify(body),
  }).then((r) => r.json() as Promise<Record<string, any>>);

const libraries = () =>
  ['core', 'forms', 'viz', 'server', 'cli', 'testing'].map((name) => tarballs[`@configflow/${name}`]!);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'configflow-consumer-'));
  tarballs = await buildAndPack(
    await mkdir(join(root, 'tarballs'), { recursive: true }).then(() => join(root, 'tarballs')),
  );
  consumer = join(root, 'consumer');
  await mkdir(join(consumer, 'src'), { recursive: true });
  await writeFile(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  await npmInstall(consumer, [
    ...libraries(),
    'zod@^4.6.7',
    'typescript@~5.9.3',
    '@types/node@^20.19.0',
    'vitest@~4.1.12',
  ]);
  await writeFile(join(consumer, 'src/lamp.ts'), FLOW_MODULE);
}, 600_000);

afterAll(async () => {
  for (const p of running.splice(0)) await p.stop('SIGKILL');
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the published packages, used from outside this repository', { timeout: 300_000 }, () => {
  it('install without the examples or the FordPass adapter, and with no workspace: ranges', async () => {
    for (const name of ['example-hello', 'fordpass', 'ford-simulator'])
      expect(existsSync(join(consumer, 'node_modules/@configflow', name))).toBe(false);
    for (const name of ['core', 'forms', 'viz', 'server', 'cli', 'testing']) {
      const pkg = await readFile(join(consumer, 'node_modules/@configflow', name, 'package.json'), 'utf8');
      expect(pkg).not.toContain('workspace:');
      expect(JSON.parse(pkg).exports['.']).toEqual({
        types: './dist/index.d.ts',
        default: './dist/index.js',
      });
    }
  });

  it('(a) plain node defines and runs a flow through FlowManager', async () => {
    await writeFile(
      join(consumer, 'run.mjs'),
      `import { defineConfigFlow, FlowManager } from '@configflow/core';
import { z } from 'zod';
const flow = defineConfigFlow({
  domain: 'lamp', title: 'Lamp', version: 1, sources: { user: 'user' },
  steps: ({ form }) => ({
    user: form({ schema: z.object({ host: z.string().min(1) }), next: ['create_entry'],
      async submit({ host }, flow) { return flow.createEntry({ title: 'Lamp ' + host, data: { host } }); } }),
  }),
});
const manager = new FlowManager({ flows: [flow] });
const { flowId } = await manager.init('lamp');
const bad = await manager.configure(flowId, { host: '' }).catch((e) => e.name);
const done = await manager.configure(flowId, { host: 'den' });
console.log(JSON.stringify({ bad, type: done.type, title: done.title }));
`,
    );
    const { stdout } = await sh(process.execPath, ['run.mjs'], { cwd: consumer });
    expect(JSON.parse(stdout)).toEqual({ bad: 'InvalidInput', type: 'create_entry', title: 'Lamp den' });
  });

  it.each(['node16', 'bundler'] as const)(
    '(b) tsc --noEmit passes for a strict consumer (%s resolution)',
    async (resolution) => {
      await writeFile(join(consumer, `tsconfig.${resolution}.json`), JSON.stringify(tsconfig(resolution)));
      await writeFile(
        join(consumer, 'src/everything.ts'),
        `import { FlowManager, type FlowResult } from '@configflow/core';
import { defineConfig } from '@configflow/cli';
import { compileForm } from '@configflow/forms';
import { startServer } from '@configflow/server';
import { createFlowHarness } from '@configflow/testing';
import { renderFlow } from '@configflow/viz';
import integration, { flow } from './lamp.ts';

export const config = defineConfig({ integrations: [integration] });
export const started: Promise<FlowResult> = new FlowManager({ flows: [flow] }).init('lamp');
export const used = [compileForm, startServer, createFlowHarness, renderFlow];
`,
      );
      // allowImportingTsExtensions: the consumer's own sources import each other with .ts, as ours do.
      const config = tsconfig(resolution);
      (config.compilerOptions as Record<string, unknown>).allowImportingTsExtensions = true;
      await writeFile(join(consumer, `tsconfig.${resolution}.json`), JSON.stringify(config));
      await sh(process.execPath, ['node_modules/typescript/bin/tsc', '-p', `tsconfig.${resolution}.json`], {
        cwd: consumer,
      });
    },
  );

  it('(c) the installed configflow bin serves and draws a user integration from configflow.config.ts', async () => {
    await writeFile(
      join(consumer, 'configflow.config.ts'),
      `import { defineConfig } from '@configflow/cli';\nexport default defineConfig({ integrations: ['./src/lamp.ts'] });\n`,
    );
    const where = { bin: join(consumer, 'node_modules/@configflow/cli/dist/bin.js'), cwd: consumer };
    expect(existsSync(join(consumer, 'node_modules/.bin/configflow'))).toBe(true);
    const help = await runConfigflow(['help'], where);
    expect(help.stdout).toContain(`Integrations in ${join(consumer, 'configflow.config.ts')}: lamp`);
    const viz = await runConfigflow(['viz', 'lamp'], where);
    expect(viz.code).toBe(0);
    expect(viz.stdout).toContain('stateDiagram-v2');

    const serve = await startServe(['--port', '0'], {}, where);
    running.push(serve);
    expect(await (await fetch(`${serve.url}/api/handlers`)).json()).toEqual([
      { domain: 'lamp', title: 'Lamp', sources: ['user'] },
    ]);
    const post = poster(serve.url);
    const form = await post('/api/flows', { handler: 'lamp' });
    expect(form).toMatchObject({ type: 'form', stepId: 'user' });
    expect(await post(`/api/flows/${form.flowId}`, { host: 'den' })).toMatchObject({
      type: 'create_entry',
      title: 'Lamp den',
    });
    expect(await serve.stop('SIGTERM')).toBe(0);
    expect(existsSync(join(consumer, '.configflow/entries.json'))).toBe(true);
  });

  it('(c) with no config file and no demo packages, configflow serve says what to do (exit 2)', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty, { recursive: true });
    const r = await runConfigflow(['serve', '--port', '0'], {
      bin: join(consumer, 'node_modules/@configflow/cli/dist/bin.js'),
      cwd: empty,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no configflow.config.ts here');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('(d) a vitest test with @configflow/testing passes', async () => {
    await mkdir(join(consumer, 'test'), { recursive: true });
    await writeFile(
      join(consumer, 'test/lamp.test.ts'),
      `import { createFlowHarness } from '@configflow/testing';
import { expect, it } from 'vitest';
import { flow } from '../src/lamp.ts';

it('creates a lamp entry', async () => {
  const h = createFlowHarness({ flows: [flow] });
  const shown = await h.init('lamp');
  expect(shown).toMatchObject({ type: 'form', stepId: 'user' });
  expect(await h.configure(shown.flowId, { host: 'den' })).toMatchObject({ type: 'create_entry' });
  expect(h.entries()).toMatchObject([{ title: 'Lamp den', data: { host: 'den' } }]);
  await h.stop();
});
`,
    );
    const { stdout } = await sh(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test'], {
      cwd: consumer,
      env: { CI: '1', NO_COLOR: '1' },
    });
    expect(stdout).toMatch(/Tests\s+1 passed/);
  });
});

describe('a starter from "configflow init", from the packed tarballs', { timeout: 300_000 }, () => {
  it('writes a package whose tests pass at once, and which serves, runs and draws its integration', async () => {
    const bin = join(consumer, 'node_modules/@configflow/cli/dist/bin.js');
    // As docs/getting-started.md walks it: a starter from the packed tarballs, then npm install.
    const init = await runConfigflow(['init', 'my-lamp', '--packages', join(root, 'tarballs')], {
      bin,
      cwd: root,
    });
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const dir = join(root, 'my-lamp');
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    expect(pkg.dependencies['@configflow/core']).toBe(`file:${tarballs['@configflow/core']}`);
    await sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir });
    const tests = await sh('npm', ['test'], { cwd: dir, env: { CI: '1', NO_COLOR: '1' } });
    expect(tests.stdout).toMatch(/Test Files\s+2 passed/);
    await sh('npm', ['run', 'typecheck'], { cwd: dir });

    const where = { bin: join(dir, 'node_modules/@configflow/cli/dist/bin.js'), cwd: dir };
    const viz = await runConfigflow(['viz', 'my_lamp'], where);
    expect(viz.stdout).toContain('my_lamp__user');

    // `npm start`, with the config's port replaced so tests never collide on 8123.
    const serve = await startServe(['--port', '0'], {}, { cwd: dir, command: ['npm', 'start', '--'] });
    running.push(serve);
    const post = poster(serve.url);
    const form = await post('/api/flows', { handler: 'my_lamp' });
    expect(form).toMatchObject({ type: 'form', stepId: 'user' });
    const done = await post(`/api/flows/${form.flowId}`, { host: 'den', apiToken: 'my_lamp-1' });
    expect(done).toMatchObject({ type: 'create_entry', title: 'MyLamp at den' });
    let entries: any[] = [];
    for (let i = 0; i < 100 && entries[0]?.state !== 'loaded'; i++) {
      entries = (await (await fetch(`${serve.url}/api/entries`)).json()) as any[];
      if (entries[0]?.state !== 'loaded') await new Promise((r) => setTimeout(r, 50));
    }
    expect(entries).toMatchObject([{ domain: 'my_lamp', state: 'loaded' }]);
    await serve.stop('SIGINT'); // Ctrl-C: the server saves and unlocks
    expect(serve.stdout()).toContain('Stopped');
    expect(existsSync(join(dir, '.configflow/configflow.lock'))).toBe(false);

    // The same flow in the terminal, on the same data dir.
    const term = new Terminal(['run', 'my_lamp'], where);
    try {
      await term.waitFor('Host');
      term.type('porch\r');
      await term.waitFor('API token');
      term.type('my_lamp-2\r');
      await term.waitFor('Created MyLamp at porch');
      expect(await term.exited).toBe(0);
    } finally {
      term.kill();
    }
    const stored = JSON.parse(await readFile(join(dir, '.configflow/entries.json'), 'utf8'));
    expect(stored.entries.map((e: { title: string }) => e.title).sort()).toEqual([
      'MyLamp at den',
      'MyLamp at porch',
    ]);
  });
});
