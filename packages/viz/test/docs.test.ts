import { readFileSync, writeFileSync } from 'node:fs';
import { createHelloFlow } from '@configflow/example-hello';
import { expect, it } from 'vitest';
import { toMermaid } from '../src/index.ts';

const DOC = new URL('../../../docs/visualizer.md', import.meta.url);
const BLOCK = /```mermaid\n([\s\S]*?)```/;

it('docs/visualizer.md shows the hello flow exactly as toMermaid renders it', () => {
  const doc = readFileSync(DOC, 'utf8');
  const mermaid = toMermaid(createHelloFlow());
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(
      DOC,
      doc.replace(BLOCK, () => `\`\`\`mermaid\n${mermaid}\`\`\``),
    );
    return;
  }
  expect(BLOCK.exec(doc)?.[1], 'UPDATE_GOLDEN=1 rewrites the block').toBe(mermaid);
});
