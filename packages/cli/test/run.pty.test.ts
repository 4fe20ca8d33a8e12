import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasScript, Terminal } from './support/terminal.ts';

describe.skipIf(!hasScript)('configflow run in a pseudo-terminal', () => {
  let dataDir: string;
  let term: Terminal | undefined;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'configflow-pty-'));
  });
  afterEach(async () => {
    term?.kill();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates the hello entry from typed keystrokes, with the token masked on screen', async () => {
    term = new Terminal(['run', 'hello', '--data-dir', dataDir]);
    await term.waitFor('Host');
    term.type('kitchen.local\r');
    await term.waitFor('API token');
    term.type('hello-pty-secret\r');
    await term.waitFor('Created Hello at kitchen.local');
    expect(await term.exited).toBe(0);

    expect(term.screen).toContain('Connect to your Hello device');
    expect(term.screen).toContain('▪'.repeat('hello-pty-secret'.length));
    expect(term.screen).not.toContain('hello-pty-secret');
    const { entries } = JSON.parse(await readFile(join(dataDir, 'entries.json'), 'utf8'));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      domain: 'hello',
      title: 'Hello at kitchen.local',
      data: { host: 'kitchen.local', apiToken: 'hello-pty-secret' },
    });
  });

  it('shows the server error beside the form and asks again', async () => {
    term = new Terminal(['run', 'hello', '--data-dir', dataDir]);
    await term.waitFor('Host');
    term.type('offline\r');
    await term.waitFor('API token');
    term.type('hello-1\r');
    await term.waitFor('Cannot connect to the device');
    // The whole form comes back with the host pre-filled: clear it (Ctrl-U) and type another one.
    await term.waitFor('Host');
    await term.waitFor('offline');
    term.type('\x15kitchen.local\r');
    await term.waitFor('API token');
    term.type('hello-1\r');
    await term.waitFor('Created Hello at kitchen.local');
    expect(await term.exited).toBe(0);
    expect(term.screen).not.toContain('hello-1');
    const { entries } = JSON.parse(await readFile(join(dataDir, 'entries.json'), 'utf8'));
    expect(entries[0].data).toEqual({ host: 'kitchen.local', apiToken: 'hello-1' });
  });

  it('aborts the flow and exits 130 on Ctrl-C', async () => {
    term = new Terminal(['run', 'hello', '--data-dir', dataDir]);
    await term.waitFor('Host');
    term.type('\x03');
    await term.waitFor('Cancelled: the flow was aborted');
    expect(await term.exited).toBe(130);
    const { flows } = JSON.parse(await readFile(join(dataDir, 'flows.json'), 'utf8'));
    expect(flows).toEqual([]);
  });
});
