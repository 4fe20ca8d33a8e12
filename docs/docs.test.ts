import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Every TypeScript sample in the docs must be a copy of code the test suite compiles or runs: a sample
 * that drifts from the code fails here.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
// Whitespace and trailing commas are folded, so re-formatted copies still match.
const fold = (s: string) =>
  s
    .replace(/\s+/g, '')
    .replace(/,(?=[)\]}])/g, '')
    .replace(/,$/, '');

async function files(dir: string, keep: (path: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    // Built output (dist) is not the code: a sample must match the sources.
    if (['node_modules', 'golden', 'dist'].includes(entry.name) || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path, keep)));
    else if (keep(path)) out.push(path);
  }
  return out;
}

const docs = [join(root, 'README.md'), ...(await files(join(root, 'docs'), (p) => p.endsWith('.md')))];
const sources = await files(root, (p) => /\/(packages|examples|bench)\//.test(p) && /\.(ts|tsx)$/.test(p));
const corpus = fold((await Promise.all(sources.map((p) => readFile(p, 'utf8')))).join('\n'));

describe('docs samples are real code', () => {
  for (const doc of docs) {
    it(relative(root, doc), async () => {
      const text = await readFile(doc, 'utf8');
      // Each paragraph of a sample (split at blank lines) must stand somewhere as it is.
      const samples = [...text.matchAll(/```(?:ts|typescript)\n([\s\S]*?)```/g)].flatMap((m) =>
        m[1]!.split(/\n\s*\n/),
      );
      const missing = samples.filter((sample) => !corpus.includes(fold(sample)));
      expect(missing, `samples in ${relative(root, doc)} that are not copies of tested code`).toEqual([]);
    });
  }
});
