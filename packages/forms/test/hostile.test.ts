import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CompiledForm, compileForm } from '../src/index.ts';
import { tokenSchema } from './fixtures.ts';

const form = compileForm({ domain: 'fp', version: 1, stepId: 'user' }, tokenSchema);
const nested = compileForm(
  { domain: 'nested', version: 1, stepId: 'user' },
  z.object({ name: z.string().optional(), extra: z.record(z.string(), z.unknown()).optional() }),
);
const valid = { tokenstr: 'a'.repeat(24), region: 'EU' };

function expectRejected(input: unknown, errors: Record<string, string>, f: CompiledForm = form) {
  let result: unknown;
  expect(() => {
    result = f.validate(input);
  }).not.toThrow();
  expect(result).toEqual({ ok: false, errors });
}

describe('hostile input', () => {
  it('rejects anything that is not a plain object', () => {
    for (const input of [null, undefined, [], [valid], 'tokenstr', 42, true, () => valid, Symbol('x'), 10n]) {
      expectRejected(input, { base: 'invalid_input' });
    }
    expectRejected(new Date(), { base: 'invalid_input' });
    expectRejected(
      new (class Credentials {
        tokenstr = valid.tokenstr;
        region = 'EU';
      })(),
      { base: 'invalid_input' },
    );
  });

  it('rejects prototype-polluting keys, at the root and nested', () => {
    expectRejected(
      JSON.parse('{"tokenstr":"aaaaaaaaaaaaaaaaaaaaaaaa","region":"EU","__proto__":{"admin":true}}'),
      {
        base: 'forbidden_key',
      },
    );
    expectRejected({ ...valid, constructor: 'x' }, { base: 'forbidden_key' });
    expectRejected({ ...valid, prototype: {} }, { base: 'forbidden_key' });
    expectRejected(
      { extra: JSON.parse('{"a":{"__proto__":{"polluted":1}}}') },
      { base: 'forbidden_key' },
      nested,
    );
    expectRejected(
      { extra: { list: [{ constructor: { prototype: 1 } }] } },
      { base: 'forbidden_key' },
      nested,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('caps every string at 64 KiB even without a maxLength', () => {
    expectRejected({ ...valid, tokenstr: 'x'.repeat(64 * 1024 + 1) }, { tokenstr: 'too_long' });
    expectRejected({ extra: { deep: ['ok', 'é'.repeat(40 * 1024)] } }, { extra: 'too_long' }, nested);
    expect(form.validate({ ...valid, tokenstr: 'x'.repeat(64 * 1024) }).ok).toBe(true);
    const tight = compileForm({ domain: 'fp', version: 1, stepId: 'user' }, tokenSchema, {
      limits: { maxStringBytes: 30 },
    });
    expect(tight.validate({ ...valid, tokenstr: 'x'.repeat(31) })).toEqual({
      ok: false,
      errors: { tokenstr: 'too_long' },
    });
  });

  it('rejects nesting deeper than 32', () => {
    const deep = (n: number): unknown => (n === 0 ? 'leaf' : { x: deep(n - 1) });
    // the root object is level 1 and deep(31) adds 31 more: 32 levels fit, 33 do not
    expect(nested.validate({ extra: deep(31) }).ok).toBe(true);
    expectRejected({ extra: deep(32) }, { base: 'invalid_input' }, nested);
    expectRejected({ extra: deep(10_000) }, { base: 'invalid_input' }, nested);
  });

  it('rejects values JSON cannot carry', () => {
    const bad: unknown[] = [
      () => 1,
      Symbol('s'),
      Number.NaN,
      Number.POSITIVE_INFINITY,
      10n,
      new Date(),
      new Map(),
      new (class Point {
        x = 1;
      })(),
      [1, undefined],
      // biome-ignore lint/suspicious/noSparseArray: a hole is the point
      [1, , 3],
    ];
    for (const value of bad) expectRejected({ extra: { value } }, { base: 'invalid_input' }, nested);
    expectRejected({ ...valid, region: Number.NaN }, { base: 'invalid_input' });
    expectRejected({ ...valid, [Symbol('k')]: 1 }, { base: 'invalid_input' });
  });

  it('reads a getter once, so it cannot change between checks, and survives throwing getters and proxies', () => {
    let calls = 0;
    const shifty = Object.defineProperty({ region: 'EU' }, 'tokenstr', {
      enumerable: true,
      get: () => (++calls === 1 ? 'a'.repeat(24) : 'short'),
    });
    expect(form.validate(shifty)).toEqual({ ok: true, data: { tokenstr: 'a'.repeat(24), region: 'EU' } });
    expect(calls).toBe(1);
    const throwing = Object.defineProperty({ region: 'EU' }, 'tokenstr', {
      enumerable: true,
      get: () => {
        throw new Error('getter');
      },
    });
    expectRejected(throwing, { base: 'invalid_input' });
    const trap = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expectRejected(trap, { base: 'invalid_input' });
  });

  it('treats undefined object values as absent, like JSON', () => {
    expect(form.validate({ ...valid, region: undefined })).toEqual({
      ok: false,
      errors: { region: 'required' },
    });
    expect(nested.validate({ name: undefined })).toEqual({ ok: true, data: {} });
  });

  it('accepts null-prototype objects (e.g. from a JSON body parser)', () => {
    const input = Object.assign(Object.create(null), valid);
    expect(form.validate(input)).toEqual({ ok: true, data: valid });
  });
});
