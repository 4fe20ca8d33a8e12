import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../bin/configflow.js');
// util-linux `script` gives the child a real pseudo-terminal (raw mode, echo, Ctrl-C as a key) and
// needs no native build: it is part of every Debian base system.
const hasScript = spawnSync('script', ['--version']).status === 0;
const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** `configflow <args>` on a pseudo-terminal: type into it and read the screen as plain text. */
class Terminal {
  private raw = '';
  private waiters: (() => void)[] = [];
  readonly exited: Promise<number>;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(args: string[]) {
    const command = `stty cols 100 rows 40; exec ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}`;
    this.child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { ...process.env, TERM: 'xterm-256color', NO_COLOR: '1' },
    });
    const collect = (chunk: Buffer) => {
      this.raw += chunk.toString('utf8');
      for (const wake of this.waiters.splice(0)) wake();
    };
    this.child.stdout.on('data', collect);
    this.child.stderr.on('data', collect);
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code ?? -1)));
    void this.exited.then(() => {
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Everything shown so far, escape sequences removed. */
  get screen(): string {
    return stripVTControlCharacters(this.raw);
  }

  private seen = 0;

  /**
   * Resolves when `text` shows up after what the previous wait found, so a prompt that is asked
   * again is waited for anew. The test's own timeout is the limit.
   */
  async waitFor(text: string): Promise<void> {
    for (;;) {
      const at = this.screen.indexOf(text, this.seen);
      if (at >= 0) {
        this.seen = at + text.length;
        return;
      }
      if (this.child.exitCode !== null) throw new Error(`exited before "${text}" showed:\n${this.screen}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  type(keys: string): void {
    this.child.stdin.write(keys);
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

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
