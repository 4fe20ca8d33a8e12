import { createHelloFlow } from '@configflow/example-hello';
import { describe, expect, it } from 'vitest';
import { createKitchenFlow } from '../../core/test/flows.ts';
import { toStatelyJson } from '../src/index.ts';

const hasFunction = (v: unknown): boolean =>
  typeof v === 'function' ||
  (typeof v === 'object' && v !== null && Object.values(v).some((x) => hasFunction(x)));

describe('toStatelyJson', () => {
  it('is the raw machine config, JSON-safe, with always, invoke and guards as { type, params }', () => {
    const config = toStatelyJson(createKitchenFlow());
    expect(hasFunction(config)).toBe(false);
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    const states = config.states as Record<string, any>;
    expect(config).toMatchObject({ id: 'kitchen' });
    expect(states[config.initial as string].always[0]).toEqual({
      guard: { type: 'fromSource', params: { source: 'user' } },
      target: '#kitchen.start',
    });
    expect(states.name.states.running.invoke).toMatchObject({ id: 'name', src: 'name' });
    expect(states.name.states.running.invoke.onDone[0].guard).toEqual({
      type: 'goesTo',
      params: { step: 'work' },
    });
    expect(states.start.on.CHOOSE).toHaveLength(2);
    expect(states.abort_nope).toEqual({ type: 'final', meta: { end: 'abort', reason: 'nope' } });
  });

  it('keeps only the reauth path for source reauth', () => {
    const config = toStatelyJson(createHelloFlow(), { source: 'reauth' });
    const states = config.states as Record<string, any>;
    expect(Object.keys(states).filter((k) => k !== config.initial)).toEqual([
      'reauth_confirm',
      'abort_reauth_successful',
      'abort_wrong_account',
    ]);
    expect(states[config.initial as string].always).toEqual([
      { guard: { type: 'fromSource', params: { source: 'reauth' } }, target: '#hello.reauth_confirm' },
    ]);
  });

  it('gives the options flow', () => {
    expect(toStatelyJson(createHelloFlow(), { flow: 'options' }).id).toBe('hello_options');
  });
});
