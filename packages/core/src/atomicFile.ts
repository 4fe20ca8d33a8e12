import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomId } from './ids.ts';

/**
 * Writes a file so that a crash at any moment leaves either the old or the new content, never a torn
 * or empty file: write a temp file beside it, fsync it, rename over the target, fsync the directory.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${randomId()}.tmp`);
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => {});
    throw error;
  }
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

/** Reads a JSON file, `undefined` when it does not exist yet. */
export async function readJsonFile(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Serialises writes of one file and coalesces bursts: while a write runs, later requests collapse into
 * one more write of the newest content. `flush()` resolves when everything asked for is on disk.
 */
export class CoalescingWriter {
  private running: Promise<void> | undefined;
  private dirty = false;

  constructor(
    private readonly path: string,
    private readonly content: () => string,
  ) {}

  request(): Promise<void> {
    this.dirty = true;
    this.running ??= this.loop();
    return this.running;
  }

  flush(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async loop(): Promise<void> {
    // Lets `request` store this promise before the loop can end, even when `content()` throws.
    await undefined;
    try {
      while (this.dirty) {
        this.dirty = false;
        await writeFileAtomic(this.path, this.content());
      }
    } finally {
      // In the same synchronous run as the last `dirty` check: a request arriving after it starts a
      // new loop. (Clearing `running` in a `.finally()` ran a microtask later, and a request landing
      // in between joined a loop that had already finished, resolving without being written.)
      this.running = undefined;
    }
  }
}
