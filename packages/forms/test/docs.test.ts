/**
 * Every ```ts block of docs/forms.md is a copy of code in this file (checked by the last test),
 * so the documentation cannot drift from what runs.
 */
import { readFileSync } from 'node:fs';
import {
  checkTranslations,
  compileForm,
  errorKey,
  type FieldMeta,
  InvalidInput,
  toHomeAssistant,
  toJsonForms,
  toRjsf,
  translate,
  z,
} from '@configflow/forms';
import { describe, expect, it } from 'vitest';

const userStep = z.object({
  tokenstr: z
    .string()
    .min(20)
    .meta({ secret: true } satisfies FieldMeta),
  region: z.enum(['EU', 'US']).meta({
    options: [
      { value: 'EU', label: 'Europe' },
      { value: 'US', label: 'United States' },
    ],
  } satisfies FieldMeta),
  interval: z
    .int()
    .min(5)
    .default(60)
    .meta({ unit: 's', section: 'advanced' } satisfies FieldMeta),
});

const form = compileForm({ domain: 'fordpass', version: 1, stepId: 'user' }, userStep);

const strings = {
  en: {
    config: {
      step: {
        user: {
          title: 'Sign in to {brand}',
          data: { tokenstr: 'Access token', region: 'Region', interval: 'Update interval' },
          sections: { advanced: { name: 'Advanced' } },
        },
      },
      error: { invalid_auth: 'The token was rejected' },
      abort: { already_configured: 'This account is already configured' },
    },
  },
  de: { config: { step: { user: { data: { tokenstr: 'Zugangstoken' } } } } },
};

describe('docs/forms.md samples', () => {
  it('describes a form', () => {
    const desc = form.describe({ suggested: { region: 'US' }, secretsWithValue: ['tokenstr'] });
    expect(desc.fields.map((f) => f.widget)).toEqual(['password', 'select', 'number']);
    expect(desc.fields[0]).toMatchObject({ secret: true, hasValue: true });
    expect(desc.fields[0]).not.toHaveProperty('suggested');
    expect(desc.fields[1]).toMatchObject({ suggested: 'US', label: { key: 'config.step.user.data.region' } });
    expect(desc.fields[2]).toMatchObject({ default: 60, min: 5, step: 1, unit: 's', section: 'advanced' });
    expect(desc.jsonSchema.additionalProperties).toBe(false);
  });

  it('validates', () => {
    const ok = form.validate({ tokenstr: 'x'.repeat(24), region: 'EU' });
    expect(ok).toEqual({ ok: true, data: { tokenstr: 'x'.repeat(24), region: 'EU', interval: 60 } });

    const bad = form.validate({ tokenstr: 'short', region: 'XX', admin: true });
    expect(bad).toEqual({
      ok: false,
      errors: { base: 'unknown_field', tokenstr: 'too_short', region: 'invalid_option' },
    });

    expect(form.validate(JSON.parse('{"__proto__": {"admin": true}}'))).toEqual({
      ok: false,
      errors: { base: 'forbidden_key' },
    });
  });

  it('names refinement errors', () => {
    const passwordStep = z
      .object({ password: z.string(), confirm: z.string() })
      .refine((v) => v.password === v.confirm, { message: 'passwords_differ', path: ['confirm'] });
    const passwordForm = compileForm({ domain: 'demo', version: 1, stepId: 'password' }, passwordStep);
    expect(passwordForm.validate({ password: 'a', confirm: 'b' })).toEqual({
      ok: false,
      errors: { confirm: 'passwords_differ' },
    });
  });

  it('throws InvalidInput as a typed 400', () => {
    function submit(input: unknown) {
      const result = form.validate(input);
      if (!result.ok) throw new InvalidInput(result.errors);
      return result.data;
    }
    expect(() => submit({ region: 'EU' })).toThrow('Invalid input (tokenstr: required)');
  });

  it('exports to renderers', () => {
    const desc = form.describe();
    expect(toHomeAssistant(desc)).toEqual([
      { name: 'tokenstr', required: true, selector: { text: { type: 'password' } } },
      {
        name: 'region',
        required: true,
        selector: {
          select: {
            options: [
              { value: 'EU', label: 'Europe' },
              { value: 'US', label: 'United States' },
            ],
            multiple: false,
            mode: 'dropdown',
          },
        },
      },
      {
        type: 'expandable',
        name: 'advanced',
        required: true,
        expanded: true,
        flatten: true,
        schema: [
          {
            name: 'interval',
            required: false,
            optional: true,
            default: 60,
            selector: { number: { min: 5, step: 1, unit_of_measurement: 's', mode: 'box' } },
          },
        ],
      },
    ]);
    const { uischema, data } = toJsonForms(desc);
    expect(uischema.elements[2]).toMatchObject({ type: 'Group', label: 'Advanced' });
    expect(data).toEqual({ interval: 60 });
    const { uiSchema } = toRjsf(desc);
    expect(uiSchema).toMatchObject({ 'ui:order': ['tokenstr', 'region', 'interval'] });
  });

  it('translates', () => {
    const de = form.describe({ strings, locale: 'de', placeholders: { brand: 'FordPass' } });
    expect(de.title.fallback).toBe('Sign in to FordPass');
    expect(de.fields[0]?.label).toMatchObject({
      key: 'config.step.user.data.tokenstr',
      fallback: 'Zugangstoken',
    });
    expect(de.fields[1]?.label.fallback).toBe('Region');
    expect(translate(strings, 'de', errorKey('config', 'invalid_auth'), 'Invalid')).toBe(
      'The token was rejected',
    );
  });

  it('checks translations', () => {
    const spec = {
      steps: [{ stepId: 'user', fields: ['tokenstr', 'region', 'interval'], placeholders: ['brand'] }],
      errors: ['invalid_auth'],
      aborts: ['already_configured'],
    };
    expect(checkTranslations(strings, spec)).toEqual([]);
    expect(checkTranslations(strings, { ...spec, errors: ['invalid_auth', 'cannot_connect'] })).toMatchObject(
      [{ problem: 'missing', locale: 'en', key: 'config.error.cannot_connect' }],
    );
  });

  it('every ```ts block in docs/forms.md is a copy of code in this file', () => {
    // Formatting-insensitive: Biome wraps the doc's blocks at column 0 and this file's indented copies differently.
    const normalize = (code: string) => code.replace(/\s+/g, '').replace(/,(?=[)\]}])/g, '');
    const doc = readFileSync(new URL('../../../docs/forms.md', import.meta.url), 'utf8');
    const self = normalize(readFileSync(new URL(import.meta.url), 'utf8'));
    const blocks = Array.from(doc.matchAll(/```ts\n([\s\S]*?)```/g), (m) => m[1] as string);
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    for (const block of blocks) expect(self).toContain(normalize(block));
  });
});
