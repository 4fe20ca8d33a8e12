import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../bin/configflow.js');
// util-linux `script` gives the child a real pseudo-terminal (raw mode, echo, Ctrl-C as a key) and
// needs no native build: it is part of every Debian base system.
export const hasScript = spawnSync('script', ['--version']).status === 0;
const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** `configflow <args>` on a pseudo-terminal: type into it and read the screen as plain text. */
export class Terminal {
  private raw = '';
  private waiters: (() => void)[] = [];
  readonly exited: Promise<number>;
  private readonly child: ChildProcessWithoutNullStreams;

  /**
   * `bin`: this repo's configflow by default, or an installed one; `cwd`: where it runs; `command`:
   * another program instead of `node <bin>` (e.g. `npx pnpm start`), given `args`.
   */
  constructor(args: string[], where: { bin?: string; cwd?: string; command?: string[] } = {}) {
    const program = where.command ?? [process.execPath, where.bin ?? BIN];
    const command = `stty cols 100 rows 40; exec ${[...program, ...args].map(quote).join(' ')}`;
    this.child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { ...process.env, TERM: 'xterm-256color', NO_COLOR: '1' },
      ...(where.cwd ? { cwd: where.cwd } : {}),
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
