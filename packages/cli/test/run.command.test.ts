import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../src/commands/run.ts';
import { lockDataDir } from '../src/dataDirLock.ts';
import { type ScriptedAnswer, ScriptedIO } from '../src/terminal/scriptedIO.ts';

/** `configflow run` with a scripted terminal; returns the exit code, stderr and what was shown. */
async function runWith(argv: string[], answers: ScriptedAnswer[] = []) {
  let err = '';
  const io = new ScriptedIO(answers);
  const code = await run(argv, { io: () => io, stderr: (t) => (err += t) });
  return { code, err, io };
}

async function entriesIn(dir: string) {
  return JSON.parse(await readFile(join(dir, 'entries.json'), 'utf8')).entries as {
    entryId: string;
    title: string;
    data: Record<string, unknown>;
    options: Record<string, unknown>;
  }[];
}

describe('configflow run', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'configflow-run-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('run fordpass prints the demo account before the first prompt (issue 16)', async () => {
    // The first answer picks the brand; the script then runs out, which ends the run.
    const { err, io } = await runWith(['fordpass', '--data-dir', dataDir], ['ford']);
    expect(err).toContain('Demo account: demo@example.com / demo');
    expect(io.asked[0]!.prompt.field).toBe('brand');
  });

  it('runs the user flow on the app over the data dir, so the entry persists', async () => {
    const { code } = await runWith(['hello', '--data-dir', dataDir], ['kitchen.local', 'hello-1']);
    expect(code).toBe(0);
    const [entry] = await entriesIn(dataDir);
    expect(entry).toMatchObject({ title: 'Hello at kitchen.local', data: { host: 'kitchen.local' } });
  });

  it('refuses a data dir another app holds, and runs once it is released', async () => {
    const release = await lockDataDir(dataDir);
    const held = await runWith(['hello', '--data-dir', dataDir], ['kitchen.local', 'hello-1']);
    expect(held.code).toBe(1);
    expect(held.err).toContain(
      `configflow run: the data dir ${dataDir} is in use by configflow process ${process.pid}`,
    );
    // What to do about it (issue 16 item 9): the server's web UI, stopping it, or a data dir of its own.
    expect(held.err).toContain(
      'Is "configflow serve" running? Continue in its web UI, stop it, or run with --data-dir',
    );
    expect(held.io.transcript).toEqual([]);
    await release();
    const { code } = await runWith(['hello', '--data-dir', dataDir], ['kitchen.local', 'hello-1']);
    expect(code).toBe(0);
  });

  it('takes over a lock file whose process is gone, or that holds no process id', async () => {
    for (const [i, stale] of ['999999999\n', ''].entries()) {
      await writeFile(join(dataDir, 'configflow.lock'), stale);
      const { code } = await runWith(['hello', '--data-dir', dataDir], [`room-${i}.local`, 'hello-1']);
      expect(code).toBe(0);
      await expect(readFile(join(dataDir, 'configflow.lock'), 'utf8')).rejects.toMatchObject({
        code: 'ENOENT',
      });
    }
  });

  it('runs reauth and options flows for an existing entry', async () => {
    await runWith(['hello', '--data-dir', dataDir], ['kitchen.local', 'hello-1']);
    const [entry] = await entriesIn(dataDir);
    const id = entry!.entryId;

    const reauth = await runWith(
      ['hello', '--source', 'reauth', '--entry', id, '--data-dir', dataDir],
      ['hello-2'],
    );
    expect(reauth.code).toBe(0);
    expect(reauth.io.transcript).toContain('◇ Sign in to Hello at kitchen.local again');
    expect((await entriesIn(dataDir))[0]!.data.apiToken).toBe('hello-2');

    const options = await runWith(
      ['hello', '--source', 'options', '--entry', id, '--data-dir', dataDir],
      ['30', 'Hi'],
    );
    expect(options.code).toBe(0);
    expect(options.io.transcript.at(-1)).toBe('└ Saved the options of Hello at kitchen.local');
    expect((await entriesIn(dataDir))[0]!.options).toEqual({ scanInterval: 30, greeting: 'Hi' });
  });

  it('exits 1 when the flow aborts', async () => {
    await runWith(['hello', '--data-dir', dataDir], ['kitchen.local', 'hello-1']);
    const again = await runWith(['hello', '--data-dir', dataDir], ['kitchen.local', 'hello-1']);
    expect(again.code).toBe(1);
    expect(again.io.transcript.at(-1)).toBe('■ This device is already configured');
  });

  it('rejects an unknown domain, source or entry with exit 2 and what would work', async () => {
    const domain = await runWith(['nope', '--data-dir', dataDir]);
    expect(domain).toMatchObject({ code: 2 });
    expect(domain.err).toMatch(/unknown domain "nope" \(known: .*hello/);

    const source = await runWith(['hello', '--source', 'discovery', '--data-dir', dataDir]);
    expect(source.code).toBe(2);
    expect(source.err).toContain('has no source "discovery" (it has user, reauth, reconfigure, options)');

    const noEntry = await runWith(['hello', '--source', 'reauth', '--data-dir', dataDir]);
    expect(noEntry.code).toBe(2);
    expect(noEntry.err).toContain('--source reauth needs --entry <id>; there are no hello entries');

    await runWith(['hello', '--data-dir', dataDir], ['kitchen.local', 'hello-1']);
    const [entry] = await entriesIn(dataDir);
    const wrong = await runWith(['hello', '--source', 'reauth', '--entry', 'x', '--data-dir', dataDir]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain(
      `no hello entry "x"; hello entries: ${entry!.entryId} (Hello at kitchen.local)`,
    );

    const flag = await runWith(['hello', '--bogus']);
    expect(flag.code).toBe(2);
    expect(flag.err).toContain("Unknown option '--bogus'");
  });
});
