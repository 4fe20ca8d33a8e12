import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ajvCompileCount,
  compileForm,
  type FieldDescriptor,
  type FieldMeta,
  formAjv,
  formCacheStats,
} from '../src/index.ts';
import { richSchema, tokenSchema } from './fixtures.ts';

const rich = () => compileForm({ domain: 'bridge', version: 1, stepId: 'user' }, richSchema);
const field = (fields: FieldDescriptor[], name: string) => {
  const f = fields.find((x) => x.name === name);
  if (!f) throw new Error(`no field ${name}`);
  return f;
};

describe('describe(): jsonSchema', () => {
  it("is zod's input-side JSON Schema with unknown keys rejected, in zod key order", () => {
    const { jsonSchema } = rich().describe();
    const expected = z.toJSONSchema(richSchema, {
      io: 'input',
      target: 'draft-2020-12',
      unrepresentable: 'any',
    });
    expect(jsonSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(jsonSchema.additionalProperties).toBe(false);
    expect(Object.keys(jsonSchema.properties as object)).toEqual(Object.keys(richSchema.shape));
    // defaulted fields are optional on input
    expect(jsonSchema.required).toEqual(expected.required);
    expect(jsonSchema.required).not.toContain('port');
    expect(jsonSchema.required).toContain('host');
    const props = jsonSchema.properties as Record<string, Record<string, unknown>>;
    expect(props.port).toMatchObject({ type: 'integer', minimum: 1, maximum: 65535, default: 443 });
  });

  it('marks secrets as password/writeOnly and strips FieldMeta keys', () => {
    const props = rich().describe().jsonSchema.properties as Record<string, Record<string, unknown>>;
    expect(props.password).toEqual({ type: 'string', format: 'password', writeOnly: true });
    expect(props.interval).not.toHaveProperty('unit');
    expect(props.interval).not.toHaveProperty('section');
    expect(props.push_url).not.toHaveProperty('visibleWhen');
    expect(props.device_id).toEqual({ type: 'string', readOnly: true });
  });

  it('turns options into labelled oneOf consts (also inside multiselect items)', () => {
    const props = compileForm({ domain: 'fp', version: 1, stepId: 'user' }, tokenSchema).describe().jsonSchema
      .properties as Record<string, Record<string, unknown>>;
    expect(props.region).toEqual({
      type: 'string',
      oneOf: [
        { const: 'EU', title: 'Europe' },
        { const: 'US', title: 'United States' },
        { const: 'CA', title: 'Canada' },
      ],
    });
    const richProps = rich().describe().jsonSchema.properties as Record<string, Record<string, unknown>>;
    expect(richProps.sensors).toMatchObject({ type: 'array', uniqueItems: true });
    expect(richProps.sensors?.items).toHaveProperty('oneOf', [
      { const: 'temp', title: 'temp' },
      { const: 'humidity', title: 'humidity' },
      { const: 'power', title: 'power' },
    ]);
  });

  it('is accepted by a strict Ajv 2020 instance, including custom x- meta and formats ajv-formats lacks', () => {
    const schema = z.object({
      net: z.cidrv4().meta({ 'x-ui-hint': 'cidr' }),
      maybe: z.string().nullable(),
    });
    const form = compileForm({ domain: 'strict', version: 1, stepId: 'user' }, schema);
    expect(form.describe().jsonSchema.properties).toHaveProperty(['net', 'x-ui-hint'], 'cidr');
    expect(() => formAjv().compile(form.describe().jsonSchema)).not.toThrow();
    expect(form.validate({ net: '10.0.0.0/8', maybe: null })).toMatchObject({ ok: true });
    expect(form.validate({ net: '10.0.0.0', maybe: null })).toEqual({
      ok: false,
      errors: { net: 'invalid_format' },
    });
  });

  it('refuses a step schema whose meta id turns the root into a $ref', () => {
    const schema = z.object({ a: z.string() }).meta({ id: 'step_with_id_root' });
    expect(() => compileForm({ domain: 'id', version: 1, stepId: 'user' }, schema)).toThrow(/remove `id`/);
  });
});

describe('describe(): fields', () => {
  it('infers widgets from zod types when meta gives none', () => {
    const widgets = Object.fromEntries(
      rich()
        .describe()
        .fields.map((f) => [f.name, f.widget]),
    );
    expect(widgets).toEqual({
      host: 'text',
      port: 'number',
      password: 'password',
      email: 'email',
      homepage: 'url',
      use_ssl: 'boolean',
      mode: 'select',
      sensors: 'multiselect',
      notes: 'textarea',
      api_version: 'constant',
      interval: 'number',
      device_id: 'text',
      push_url: 'url',
      internal: 'hidden',
    });
  });

  it('carries bounds, defaults, units, sections, conditions and labels', () => {
    const { fields, sections, title } = rich().describe();
    expect(field(fields, 'port')).toMatchObject({
      required: false,
      default: 443,
      min: 1,
      max: 65535,
      step: 1,
    });
    expect(field(fields, 'interval')).toMatchObject({
      min: 5,
      max: 3600,
      step: 5,
      unit: 's',
      section: 'advanced',
    });
    expect(field(fields, 'host')).toMatchObject({
      required: true,
      minLength: 1,
      maxLength: 253,
      label: { key: 'config.step.user.data.host', fallback: 'Host' },
      help: { key: 'config.step.user.data_description.host', fallback: 'Hostname or IP of the bridge' },
    });
    expect(field(fields, 'use_ssl').label.fallback).toBe('Use ssl');
    expect(field(fields, 'api_version')).toMatchObject({ widget: 'constant', const: 'v2' });
    expect(field(fields, 'push_url').visibleWhen).toEqual({ field: 'mode', equals: 'push' });
    expect(field(fields, 'device_id')).toMatchObject({ readOnly: true, suggested: 'abc-123' });
    expect(field(fields, 'password')).toMatchObject({ autocomplete: 'current-password' });
    // a plain z.int() has no bounds worth showing
    const plain = compileForm(
      { domain: 'int', version: 1, stepId: 'user' },
      z.object({ n: z.int() }),
    ).describe();
    expect(plain.fields[0]).not.toHaveProperty('min');
    expect(sections).toEqual([
      {
        name: 'advanced',
        label: { key: 'config.step.user.sections.advanced.name', fallback: 'Advanced' },
        collapsed: true,
      },
    ]);
    expect(title).toEqual({ key: 'config.step.user.title', fallback: 'Connect to the bridge' });
  });

  it('uses options-kind keys for an options flow', () => {
    const form = compileForm({ domain: 'bridge', version: 1, stepId: 'init', kind: 'options' }, tokenSchema);
    const d = form.describe();
    expect(d.title.key).toBe('options.step.init.title');
    expect(d.title.fallback).toBe('Init');
    expect(d.fields[0]?.label.key).toBe('options.step.init.data.tokenstr');
  });

  it('overlays suggested values but never for a secret; secrets get hasValue instead', () => {
    const schema = z.object({
      user: z.string(),
      pass: z.string().meta({ secret: true, suggested: 'leaked-by-meta' } satisfies FieldMeta),
    });
    const form = compileForm({ domain: 'sec', version: 1, stepId: 'reauth' }, schema);
    const d = form.describe({ suggested: { user: 'alice', pass: 'hunter2' }, secretsWithValue: ['pass'] });
    expect(field(d.fields, 'user').suggested).toBe('alice');
    expect(field(d.fields, 'pass')).not.toHaveProperty('suggested');
    expect(field(d.fields, 'pass').hasValue).toBe(true);
    expect(JSON.stringify(d)).not.toContain('hunter2');
    expect(JSON.stringify(d)).not.toContain('leaked-by-meta');
    expect(field(form.describe({ suggested: { pass: 'hunter2' } }).fields, 'pass').hasValue).toBe(false);
  });

  it('resolves texts through strings (locale -> base language -> en -> fallback) and placeholders', () => {
    const strings = {
      en: {
        config: {
          step: {
            user: {
              title: 'Sign in to {brand}',
              description: 'Find the token in the {brand} app',
              data: { tokenstr: 'Access token', region: 'Region' },
              data_description: { tokenstr: 'Copied from {brand}' },
            },
          },
        },
      },
      de: { config: { step: { user: { data: { tokenstr: 'Zugangstoken' } } } } },
    };
    const form = compileForm({ domain: 'fp', version: 1, stepId: 'user' }, tokenSchema);
    const de = form.describe({ strings, locale: 'de-AT', placeholders: { brand: 'FordPass' } });
    expect(field(de.fields, 'tokenstr').label).toEqual({
      key: 'config.step.user.data.tokenstr',
      fallback: 'Zugangstoken',
      placeholders: { brand: 'FordPass' },
    });
    expect(field(de.fields, 'region').label.fallback).toBe('Region');
    expect(field(de.fields, 'tokenstr').help?.fallback).toBe('Copied from FordPass');
    expect(de.title.fallback).toBe('Sign in to FordPass');
    expect(de.description).toMatchObject({
      key: 'config.step.user.description',
      fallback: 'Find the token in the FordPass app',
    });
    // without strings: humanised names
    expect(field(form.describe().fields, 'tokenstr').label.fallback).toBe('Tokenstr');
  });
});

describe('describe(): caching', () => {
  it('builds the description and compiles the validator once per compiled form', () => {
    const schema = z.object({ a: z.string(), b: z.number().optional() });
    const compilesBefore = ajvCompileCount();
    const form = compileForm({ domain: 'cache', version: 1, stepId: 'user' }, schema);
    expect(ajvCompileCount()).toBe(compilesBefore + 1);
    const buildsBefore = formCacheStats().descriptionBuilds;
    const first = form.describe();
    const second = form.describe({ suggested: { a: 'x' } });
    const third = form.describe({ strings: { en: {} } });
    expect(formCacheStats().descriptionBuilds).toBe(buildsBefore + 1);
    expect(second.jsonSchema).toBe(first.jsonSchema);
    expect(third.jsonSchema).toBe(first.jsonSchema);
    expect(form.describe()).toBe(first);
    for (let i = 0; i < 5; i++) form.validate({ a: 'x' });
    expect(ajvCompileCount()).toBe(compilesBefore + 1);
  });

  it('returns a frozen description so one caller cannot change it for all', () => {
    const d = compileForm({ domain: 'frozen', version: 1, stepId: 'user' }, tokenSchema).describe();
    expect(Object.isFrozen(d.jsonSchema)).toBe(true);
    expect(() => {
      (d.fields[0] as { widget: string }).widget = 'text';
    }).toThrow(TypeError);
  });
});
