import { describe, expect, it } from 'vitest';
import { coverage, formatCoverageTable } from '../src/index.ts';
import { helloConfig, helloFlow, helloOptions } from './helloCoverage.ts';

describe('path coverage: hello', () => {
  it('reaches every declared step, edge and end of the config and options flows', async () => {
    const config = await coverage(helloFlow, helloConfig);
    const options = await coverage(helloFlow.options!, helloOptions);
    console.log(formatCoverageTable([config, options]));
    expect(config.ok && options.ok).toBe(true);
  });
});
