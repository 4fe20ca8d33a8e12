import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigFlow } from '@configflow/core';
import { createHelloFlow } from '@configflow/example-hello';
import { createFordPassIntegration } from '@configflow/fordpass';
import { createKitchenFlow } from '../../core/test/flows.ts';
import type { RenderFlowOptions } from '../src/index.ts';

/** A chart with golden files: `golden/<name>.<ext>` for every format. Add a flow with one line. */
export interface Chart {
  name: string;
  flow: () => ConfigFlow;
  opts?: Omit<RenderFlowOptions, 'format'>;
}

const fordpass = () => createFordPassIntegration({ storageDir: mkdtempSync(join(tmpdir(), 'cf-viz-')) }).flow;

export const CHARTS: Chart[] = [
  { name: 'hello', flow: () => createHelloFlow() },
  { name: 'hello-reauth', flow: () => createHelloFlow(), opts: { source: 'reauth' } },
  { name: 'hello-options', flow: () => createHelloFlow(), opts: { flowKind: 'options' } },
  { name: 'kitchen', flow: () => createKitchenFlow() },
  { name: 'fordpass', flow: fordpass },
  { name: 'fordpass-reauth', flow: fordpass, opts: { source: 'reauth' } },
  { name: 'fordpass-options', flow: fordpass, opts: { flowKind: 'options' } },
];

export const EXTENSIONS = { mermaid: 'mmd', dot: 'dot', svg: 'svg', html: 'html', json: 'json' } as const;
