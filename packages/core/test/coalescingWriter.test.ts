import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoalescingWriter } from '../src/atomicFile.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('CoalescingWriter', () => {
  it('a request landing after the loop ends but before it is cleared up is still written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-writer-'));
    dirs.push(dir);
    const path = join(dir, 'file.json');
    let version = 1;
    const writer = new CoalescingWriter(path, () => `v${version}`);
    // Runs code in the one microtask window: right after the write loop's own promise settles, before
    // anything chained on it (such as clearing the "running" marker in a `.finally`).
    const proto = CoalescingWriter.prototype as unknown as { loop(): Promise<void> };
    const loop = proto.loop;
    let late: Promise<void> | undefined;
    (writer as unknown as { loop(): Promise<void> }).loop = function (this: CoalescingWriter) {
      return loop.call(this).then(() => {
        if (late) return;
        version = 2;
        late = writer.request();
      });
    };
    await writer.request();
    expect(late).toBeDefined();
    await late;
    expect(await readFile(path, 'utf8')).toBe('v2');
  });

  it('a content() that throws fails its request, and the next request writes again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-writer-'));
    dirs.push(dir);
    const path = join(dir, 'file.json');
    let fail = true;
    const writer = new CoalescingWriter(path, () => {
      if (fail) throw new RangeError('Invalid string length');
      return 'ok';
    });
    await expect(writer.request()).rejects.toThrow(RangeError);
    fail = false;
    await writer.request();
    expect(await readFile(path, 'utf8')).toBe('ok');
  });
});
