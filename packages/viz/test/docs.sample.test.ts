// The sample in docs/visualizer.md, run as written (docs/docs.test.ts checks it is a copy).

import { createHelloFlow } from '@configflow/example-hello';
import { renderFlow, toMermaid, toSvg } from '@configflow/viz';
import { expect, it } from 'vitest';

it('docs sample: rendering a flow', async () => {
  const flow = createHelloFlow();
  const mermaid = toMermaid(flow, { source: 'reauth' });
  const svg = await toSvg(flow, { flow: 'options' });
  // The CLI entry (`configflow viz <domain> --flow reauth --format svg -o flow.svg`):
  const text = await renderFlow(flow, { format: 'html', source: 'user', flowKind: 'config' });
  expect(mermaid).toContain('reauth_confirm');
  expect(svg).toContain('<svg');
  expect(text).toContain('<!doctype html>');
});
