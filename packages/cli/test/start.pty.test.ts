import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasScript, Terminal } from './support/terminal.ts';

const REPO = resolve(import.meta.dirname, '../../..');

describe.skipIf(!hasScript)('pnpm start in a terminal', { timeout: 90_000 }, () => {
  let term: Terminal | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    term?.kill();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('Ctrl-C stops the server cleanly: no ELIFECYCLE failure, the data dir unlocked', async () => {
    dir = await mkdtemp(join(tmpdir(), 'configflow-start-'));
    term = new Terminal(['start', '--port', '0', '--data-dir', dir], {
      command: ['npx', '-y', 'pnpm@10.34.9'],
      cwd: REPO,
    });
    await term.waitFor('configflow listening on');
    term.type('\x03'); // the terminal sends SIGINT to pnpm and to the server alike
    await term.waitFor('Stopped');
    await term.exited;
    expect(term.screen).toContain('Received SIGINT, shutting down');
    expect(term.screen).not.toContain('ELIFECYCLE');
    expect(term.screen).not.toContain('Command failed');
    expect(existsSync(join(dir, 'configflow.lock'))).toBe(false);
  });
});
