import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// Attack 13 (CLI): `--token ''` silently disabled auth, a non-loopback --host without a token started
// with no warning, and `viz --data-dir` wrote to the data dir it should only read.
const BIN = fileURLToPath(new URL('../../../cli/bin/configflow.js', import.meta.url));
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'cf-cli-'));
  dirs.push(dir);
  return dir;
}

/** Runs the CLI to its end (a serve that starts is killed once it says it listens). */
function cli(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; listened: boolean }>(
    (resolve) => {
      const proc = spawn(process.execPath, [BIN, ...args], {
        cwd: tmpdir(),
        env: { ...process.env, CONFIGFLOW_TOKEN: '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let listened = false;
      proc.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        if (!listened && stdout.includes('configflow listening on')) {
          listened = true;
          proc.kill('SIGTERM');
        }
      });
      proc.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      proc.once('exit', (code) => resolve({ code, stdout, stderr, listened }));
    },
  );
}

describe('configflow serve exposure', { timeout: 60_000 }, () => {
  it("refuses --token '' with a usage error (exit 2)", async () => {
    const r = await cli(['serve', '--port', '0', '--data-dir', await tempDir(), '--token', '']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/token must not be empty/);
    expect(r.listened).toBe(false);
  });

  it('refuses a non-loopback --host without a token (exit 2), unless --allow-remote-without-token', async () => {
    const refused = await cli(['serve', '--port', '0', '--data-dir', await tempDir(), '--host', '0.0.0.0']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--allow-remote-without-token/);
    expect(refused.listened).toBe(false);
    const allowed = await cli([
      'serve',
      '--port',
      '0',
      '--data-dir',
      await tempDir(),
      '--host',
      '0.0.0.0',
      '--allow-remote-without-token',
    ]);
    expect(allowed.listened).toBe(true);
    const withToken = await cli(
      ['serve', '--port', '0', '--data-dir', await tempDir(), '--host', '0.0.0.0'],
      {
        CONFIGFLOW_TOKEN: 'a-long-random-token',
      },
    );
    expect(withToken.listened).toBe(true);
  });
});

describe('configflow viz --data-dir', { timeout: 60_000 }, () => {
  it('only reads the data dir: nothing is created, changed or removed', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'entries.json'), JSON.stringify({ version: 2, entries: [] }));
    const before = { names: await readdir(dir), mtime: (await stat(dir)).mtimeMs };
    const r = await cli(['viz', 'fordpass', '--data-dir', dir, '--format', 'mermaid']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('stateDiagram');
    expect(await readdir(dir)).toEqual(before.names);
    expect((await stat(dir)).mtimeMs).toBe(before.mtime);
    expect(await readFile(join(dir, 'entries.json'), 'utf8')).toBe(
      JSON.stringify({ version: 2, entries: [] }),
    );
  });
});
