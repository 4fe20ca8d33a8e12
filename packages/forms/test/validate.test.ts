import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { compileForm, InvalidInput } from '../src/index.ts';
import { richSchema, tokenSchema } from './fixtures.ts';

const token = compileForm({ domain: 'fp', version: 1, stepId: 'user' }, tokenSchema);
const rich = compileForm({ domain: 'bridge', version: 1, stepId: 'user' }, richSchema);
const TOKEN = 'a'.repeat(24);

describe('validate()', () => {
  it('returns typed, parsed data with defaults applied', () => {
    const r = rich.validate({ host: 'h', password: 'p', mode: 'poll', api_version: 'v2' });
    expect(r).toEqual({
      ok: true,
      data: {
        host: 'h',
        port: 443,
        password: 'p',
        use_ssl: true,
        mode: 'poll',
        api_version: 'v2',
        interval: 60,
      },
    });
    if (r.ok) expectTypeOf(r.data.port).toEqualTypeOf<number>();
  });

  it('puts a missing required field on the field itself', () => {
    expect(token.validate({})).toEqual({ ok: false, errors: { tokenstr: 'required', region: 'required' } });
  });

  it('maps each kind of schema error to one stable key per field', () => {
    const r = rich.validate({
      host: 42,
      port: 70000,
      password: 'p',
      email: 'not-an-email',
      homepage: 'nope',
      mode: 'pull',
      sensors: ['temp', 'temp'],
      api_version: 'v1',
      interval: 1,
    });
    expect(r).toEqual({
      ok: false,
      errors: {
        host: 'invalid_type',
        port: 'too_big',
        email: 'invalid_format',
        homepage: 'invalid_format',
        mode: 'invalid_option',
        sensors: 'not_unique',
        api_version: 'invalid_option',
        interval: 'too_small',
      },
    });
    expect(token.validate({ tokenstr: 'short', region: 'EU' })).toEqual({
      ok: false,
      errors: { tokenstr: 'too_short' },
    });
    expect(rich.validate({ host: 'h'.repeat(254), password: 'p', mode: 'poll', api_version: 'v2' })).toEqual({
      ok: false,
      errors: { host: 'too_long' },
    });
  });

  it('rejects unknown keys as base: unknown_field', () => {
    expect(token.validate({ tokenstr: TOKEN, region: 'EU', admin: true })).toEqual({
      ok: false,
      errors: { base: 'unknown_field' },
    });
  });

  it('runs zod refinements: snake_case messages become keys, prose becomes invalid, no path is base', () => {
    const schema = z
      .object({
        password: z.string(),
        confirm: z.string(),
        pin: z.string().refine((s) => /^\d+$/.test(s), { message: 'Only digits, please' }),
      })
      .refine((v) => v.password === v.confirm, { message: 'passwords_differ', path: ['confirm'] })
      .refine((v) => v.password !== 'password', { message: 'weak_password' });
    const form = compileForm({ domain: 'refine', version: 1, stepId: 'user' }, schema);
    expect(form.validate({ password: 'a', confirm: 'b', pin: '12' })).toEqual({
      ok: false,
      errors: { confirm: 'passwords_differ' },
    });
    // zod keeps running object-level refinements after a field refinement failed: both are reported
    expect(form.validate({ password: 'password', confirm: 'password', pin: 'x' })).toEqual({
      ok: false,
      errors: { pin: 'invalid', base: 'weak_password' },
    });
    expect(form.validate({ password: 'password', confirm: 'password', pin: '1' })).toEqual({
      ok: false,
      errors: { base: 'weak_password' },
    });
  });

  it('applies transforms and reports refinements on other fields in the same round trip', () => {
    const schema = z.object({
      host: z.string().transform((h) => h.trim().toLowerCase()),
      code: z.string().refine((c) => c.length === 6, { message: 'bad_code' }),
      port: z.int(),
    });
    const form = compileForm({ domain: 'transform', version: 1, stepId: 'user' }, schema);
    expect(form.validate({ host: ' HOST ', code: '123456', port: 1 })).toEqual({
      ok: true,
      data: { host: 'host', code: '123456', port: 1 },
    });
    expect(form.validate({ host: 'h', code: '1', port: 'x' })).toEqual({
      ok: false,
      errors: { port: 'invalid_type', code: 'bad_code' },
    });
  });

  it('does not throw when a refinement throws', () => {
    const schema = z.object({
      a: z.string().refine(() => {
        throw new Error('boom');
      }),
    });
    const form = compileForm({ domain: 'boom', version: 1, stepId: 'user' }, schema);
    expect(form.validate({ a: 'x' })).toEqual({ ok: false, errors: { base: 'invalid_input' } });
  });
});

describe('InvalidInput', () => {
  it('is a typed error carrying the field errors', () => {
    const err = new InvalidInput({ host: 'required', base: 'unknown_field' });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('InvalidInput');
    expect(err.errors).toEqual({ host: 'required', base: 'unknown_field' });
    expect(err.message).toBe('Invalid input (host: required, base: unknown_field)');
  });
});
