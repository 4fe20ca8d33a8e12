/**
 * docs/testing.md stays true: every ```ts block is a copy of code in this folder's test files, and the
 * coverage table is what the hello coverage prints today.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coverage, formatCoverageTable } from '../src/index.ts';
import { helloConfig, helloFlow, helloOptions } from './helloCoverage.ts';

const doc = readFileSync(new URL('../../../docs/testing.md', import.meta.url), 'utf8');

describe('docs/testing.md', () => {
  it('every ```ts block is a copy of code a test runs', () => {
    // Formatting-insensitive: the doc's blocks sit at column 0, the tests' copies are indented and wrapped.
    const normalize = (code: string) => code.replace(/\s+/g, '').replace(/,(?=[)\]}])/g, '');
    const dir = new URL('./', import.meta.url);
    const sources = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => normalize(readFileSync(new URL(f, dir), 'utf8')))
      .join('\n');
    const blocks = Array.from(doc.matchAll(/```ts\n([\s\S]*?)```/g), (m) => m[1] as string);
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    for (const block of blocks) expect(sources).toContain(normalize(block));
  });

  it('shows the coverage table the hello coverage prints', async () => {
    const table = formatCoverageTable([
      await coverage(helloFlow, helloConfig),
      await coverage(helloFlow.options!, helloOptions),
    ]);
    const shown = /<!-- coverage-table -->\n```text\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(shown).toBe(table);
  });
});
