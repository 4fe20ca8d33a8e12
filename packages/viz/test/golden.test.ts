import { describe, expect, it } from 'vitest';
import { FORMATS, renderFlow } from '../src/index.ts';
import { CHARTS, EXTENSIONS } from './charts.ts';
import { expectGolden } from './golden.ts';

describe.each(CHARTS)('golden files: $name', ({ name, flow, opts }) => {
  it.each(FORMATS)('%s matches its golden', async (format) => {
    expectGolden(`${name}.${EXTENSIONS[format]}`, await renderFlow(flow(), { format, ...opts }));
  });

  it.each(FORMATS)('%s is deterministic', async (format) => {
    const a = await renderFlow(flow(), { format, ...opts });
    const b = await renderFlow(flow(), { format, ...opts });
    expect(a).toBe(b);
  });
});
