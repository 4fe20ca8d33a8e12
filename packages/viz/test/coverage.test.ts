import type { ConfigFlow } from '@configflow/core';
import { describe, expect, it } from 'vitest';
import { FORMATS, renderFlow } from '../src/index.ts';
import { CHARTS } from './charts.ts';

/** Every declared step and every end, as the state ids a chart must show. */
function declared(flow: ConfigFlow): string[] {
  const d = flow.describe();
  const ends = d.steps.some((s) => s.next.includes('create_entry')) ? ['create_entry'] : [];
  return [...d.steps.map((s) => s.stepId), ...d.aborts.map((r) => `abort_${r}`), ...ends];
}

// Whole flows only: a source-restricted chart leaves other sources' steps out on purpose.
const whole = CHARTS.filter((c) => c.opts === undefined).flatMap((c) => {
  const flow = c.flow();
  return [
    { name: c.name, flow, flowKind: 'config' as const },
    ...(flow.options ? [{ name: `${c.name} options`, flow, flowKind: 'options' as const }] : []),
  ];
});

describe.each(whole)('$name shows every step and end', ({ flow, flowKind }) => {
  const ids = declared(flowKind === 'options' ? flow.options! : flow);

  it('declares something to check', () => {
    expect(ids.length).toBeGreaterThan(1);
  });

  it.each(FORMATS)('in %s', async (format) => {
    const out = await renderFlow(flow, { format, flowKind });
    const missing = ids.filter(
      (id) => !new RegExp(`(^|[^a-z0-9_])(\\w+__)?${id}([^a-z0-9_]|$)`, 'm').test(out),
    );
    expect(missing).toEqual([]);
  });
});
