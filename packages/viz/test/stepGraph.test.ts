import { createHelloFlow } from '@configflow/example-hello';
import { describe, expect, it } from 'vitest';
import { chartGraph, toSvg } from '../src/index.ts';

describe('the steps view (the web UI chart)', () => {
  it('keeps the steps and ends and the edges between steps, without running/idle substates', () => {
    const flow = createHelloFlow();
    const full = chartGraph(flow, { source: 'reauth' });
    expect(full.nodes.some((n) => n.kind === 'substate')).toBe(true);
    const steps = chartGraph(flow, { source: 'reauth', steps: true });
    expect(steps.nodes.map((n) => n.id)).toEqual([
      'source',
      'reauth_confirm',
      'abort_reauth_successful',
      'abort_wrong_account',
    ]);
    expect(steps.nodes.every((n) => n.parent === undefined && n.initial === undefined)).toBe(true);
    expect(steps.edges.map((e) => `${e.source}->${e.target}`)).toEqual([
      'source->reauth_confirm',
      'reauth_confirm->abort_reauth_successful',
      'reauth_confirm->abort_wrong_account',
    ]);
    // The only label left says which source starts the flow.
    expect(steps.edges.filter((e) => e.event !== '').map((e) => e.event)).toEqual(['reauth']);
  });

  it('draws successful aborts as successes', async () => {
    const svg = await toSvg(createHelloFlow(), { source: 'reauth', steps: true });
    expect(svg).toContain(
      'class="cf-node cf-final cf-end-abort cf-end-success" data-id="abort_reauth_successful"',
    );
    expect(svg).toMatch(/class="cf-node cf-final cf-end-abort" data-id="abort_wrong_account"/);
    expect(svg).not.toContain('class="cf-node cf-substate');
    expect(svg).not.toContain('class="cf-node cf-step cf-compound');
  });
});
