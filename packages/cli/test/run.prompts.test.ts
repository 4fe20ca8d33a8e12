import { PassThrough, Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Cancelled } from '../src/terminal/io.ts';
import { clackIO } from '../src/terminal/prompts.ts';
import { terminalSpinner } from '../src/terminal/spinner.ts';

/** clack on in-memory streams (its own `input`/`output` options): keys in, screen text out. */
function streams(isTTY = false) {
  const input = new PassThrough();
  let raw = '';
  const waiters: (() => void)[] = [];
  const output = Object.assign(
    new Writable({
      write(chunk, _enc, done) {
        raw += chunk.toString();
        for (const wake of waiters.splice(0)) wake();
        done();
      },
    }),
    { isTTY, columns: 100, rows: 40 },
  );
  let seen = 0;
  const screen = () => stripVTControlCharacters(raw);
  /** Resolves once `text` is drawn after what the previous wait found. */
  const waitFor = async (text: string) => {
    for (;;) {
      const at = screen().indexOf(text, seen);
      if (at >= 0) {
        seen = at + text.length;
        return;
      }
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { input, output, screen, waitFor, type: (keys: string) => input.write(keys) };
}

const DOWN = '\x1b[B';

describe('clackIO: each prompt on @clack/prompts', () => {
  it('select, multiselect and confirm answer with arrow keys, space and enter', async () => {
    const t = streams();
    const io = clackIO({ input: t.input, output: t.output });
    const options = [
      { value: 'eu', label: 'Europe' },
      { value: 'us', label: 'United States' },
    ];

    const select = io.select({ field: 'region', message: 'Region', options });
    await t.waitFor('United States');
    t.type(`${DOWN}\r`);
    expect(await select).toBe('us');

    const multi = io.multiselect({
      field: 'features',
      message: 'Features',
      options: [...options, { value: 'asia', label: 'Asia' }],
      initial: ['eu'],
      required: false,
    });
    await t.waitFor('Asia');
    t.type(`${DOWN}${DOWN} \r`);
    expect(await multi).toEqual(['eu', 'asia']);

    const confirm = io.confirm({ field: 'tls', message: 'Use TLS', initial: false });
    await t.waitFor('Use TLS');
    t.type('y');
    expect(await confirm).toBe(true);
  });

  it('shows the error beside the label, help under it, and validates before submitting', async () => {
    const t = streams();
    const io = clackIO({ input: t.input, output: t.output });
    const answer = io.text({
      field: 'port',
      message: 'Port (tcp)',
      help: 'The port the device listens on',
      error: 'Too large',
      validate: (v) => (/^\d+$/.test(v) ? undefined : 'Enter a number'),
    });
    await t.waitFor('Port (tcp)  ✗ Too large');
    await t.waitFor('The port the device listens on');
    t.type('abc\r');
    await t.waitFor('Enter a number');
    t.type('\x7f\x7f\x7f8080\r');
    expect(await answer).toBe('8080');
  });

  it('masks a password and throws Cancelled on Ctrl-C', async () => {
    const t = streams();
    const io = clackIO({ input: t.input, output: t.output });
    const secret = io.password({ field: 'token', message: 'API token (has value — leave empty to keep)' });
    await t.waitFor('leave empty to keep');
    t.type('hunter2\r');
    expect(await secret).toBe('hunter2');
    expect(t.screen()).not.toContain('hunter2');

    const cancelled = io.text({ field: 'host', message: 'Host' });
    await t.waitFor('Host');
    t.type('\x03');
    await expect(cancelled).rejects.toBeInstanceOf(Cancelled);
  });

  it('cancels the prompt on screen when the signal aborts (a SIGINT from outside)', async () => {
    const t = streams();
    const controller = new AbortController();
    const io = clackIO({ input: t.input, output: t.output, signal: controller.signal });
    const pending = io.text({ field: 'host', message: 'Host' });
    await t.waitFor('Host');
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(Cancelled);
  });
});

describe('terminalSpinner', () => {
  it('prints one line per change when the output is not a terminal', () => {
    const t = streams(false);
    const spinner = terminalSpinner(t.output);
    spinner.start('Crunching…');
    spinner.update('Crunching… 40%');
    spinner.update('Crunching… 40%');
    spinner.stop('Crunching…');
    expect(t.screen().split('\n').filter(Boolean)).toEqual([
      '│',
      '◆  Crunching…',
      '│  Crunching… 40%',
      '◇  Crunching…',
    ]);
  });

  it('redraws in place on a terminal and shows the cursor again when it stops', async () => {
    const previous = process.env.CI;
    delete process.env.CI;
    try {
      const t = streams(true);
      const spinner = terminalSpinner(t.output);
      spinner.start('Working…');
      spinner.update('Working… 80%');
      await t.waitFor('Working… 80%');
      spinner.stop('Working…');
      await t.waitFor('◇  Working…');
    } finally {
      if (previous !== undefined) process.env.CI = previous;
    }
  });
});
