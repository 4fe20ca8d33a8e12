import {
  Actions,
  coreReducer,
  Generate,
  isBooleanControl,
  isControl,
  isMultiLineControl,
  isOneOfEnumControl,
  isVisible,
  type JsonFormsCore,
  type JsonSchema,
  type UISchemaElement,
} from '@jsonforms/core';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { compileForm, type JsonFormsControl, type JsonFormsGroup, toJsonForms } from '../../src/index.ts';
import { richSchema, tokenSchema } from '../fixtures.ts';

// JSON Forms' own createAjv() is draft-07; a 2020-12 schema needs an Ajv2020 instance, as its docs allow.
function jsonFormsAjv() {
  const ajv = new Ajv2020Module.default({ allErrors: true, verbose: true, strict: false });
  addFormatsModule.default(ajv);
  return ajv;
}

const form = compileForm({ domain: 'bridge', version: 1, stepId: 'user' }, richSchema);
const { schema, uischema } = toJsonForms(form.describe());
const controls = (): JsonFormsControl[] =>
  uischema.elements.flatMap((e) => (e.type === 'Group' ? e.elements : [e]));
const control = (name: string) => {
  const c = controls().find((x) => x.scope === `#/properties/${name}`);
  if (!c) throw new Error(`no control for ${name}`);
  return c;
};
const ctx = { rootSchema: schema as JsonSchema, config: {} };

describe('toJsonForms()', () => {
  it('lays out Controls in field order with a Group per section, and no Control for hidden fields', () => {
    expect(uischema.type).toBe('VerticalLayout');
    const names = controls().map((c) => c.scope.replace('#/properties/', ''));
    expect(names).toEqual(Object.keys(richSchema.shape).filter((n) => n !== 'internal'));
    const group = uischema.elements.find((e): e is JsonFormsGroup => e.type === 'Group');
    expect(group).toMatchObject({ label: 'Advanced', options: { collapsed: true } });
    expect(group?.elements.map((c) => c.scope)).toEqual(['#/properties/interval', '#/properties/device_id']);
    expect(control('host').label).toBe('Host');
    // same order JSON Forms derives from the schema on its own
    const generated = Generate.uiSchema(schema as JsonSchema) as { elements: { scope: string }[] };
    expect(generated.elements.map((e) => e.scope)).toEqual(
      Object.keys(richSchema.shape).map((n) => `#/properties/${n}`),
    );
  });

  it("is picked up by JSON Forms' testers for the right renderers", () => {
    expect(isControl(control('host'))).toBe(true);
    expect(isBooleanControl(control('use_ssl') as UISchemaElement, schema as JsonSchema, ctx)).toBe(true);
    expect(isOneOfEnumControl(control('mode') as UISchemaElement, schema as JsonSchema, ctx)).toBe(true);
    expect(isOneOfEnumControl(control('host') as UISchemaElement, schema as JsonSchema, ctx)).toBe(false);
    expect(isMultiLineControl(control('notes') as UISchemaElement, schema as JsonSchema, ctx)).toBe(true);
    const token = toJsonForms(
      compileForm({ domain: 'fp', version: 1, stepId: 'user' }, tokenSchema).describe(),
    );
    const region = token.uischema.elements[1] as UISchemaElement;
    const tokenCtx = { rootSchema: token.schema as JsonSchema, config: {} };
    expect(isOneOfEnumControl(region, token.schema as JsonSchema, tokenCtx)).toBe(true);
    expect((token.schema.properties as Record<string, unknown>).region).toMatchObject({
      oneOf: [
        { const: 'EU', title: 'Europe' },
        { const: 'US', title: 'United States' },
        { const: 'CA', title: 'Canada' },
      ],
    });
  });

  it('evaluates the visibleWhen rule with JSON Forms isVisible', () => {
    const ajv = jsonFormsAjv();
    const pushUrl = control('push_url');
    expect(pushUrl.rule).toEqual({
      effect: 'SHOW',
      condition: { scope: '#/properties/mode', schema: { const: 'push' } },
    });
    expect(isVisible(pushUrl as UISchemaElement, { mode: 'push' }, '', ajv as never, undefined)).toBe(true);
    expect(isVisible(pushUrl as UISchemaElement, { mode: 'poll' }, '', ajv as never, undefined)).toBe(false);
  });

  it('initialises a JSON Forms core with the schema and reports validation errors through it', () => {
    const ajv = jsonFormsAjv();
    const init = (data: unknown): JsonFormsCore =>
      coreReducer(
        undefined,
        Actions.init(data, schema as JsonSchema, uischema as UISchemaElement, { ajv: ajv as never }),
      );
    const good = init({ host: 'h', password: 'p', mode: 'poll', api_version: 'v2' });
    expect(good.errors).toEqual([]);
    const bad = init({ host: '', password: 'p', mode: 'pull', api_version: 'v2' });
    expect(bad.errors?.map((e) => e.instancePath)).toEqual(expect.arrayContaining(['/host', '/mode']));
  });

  it('uses labels from the localised description', () => {
    const localized = toJsonForms(
      form.describe({
        strings: { de: { config: { step: { user: { data: { host: 'Rechner' } } } } } },
        locale: 'de',
      }),
    );
    expect(localized.uischema.elements[0]).toMatchObject({ label: 'Rechner' });
    expect((localized.schema.properties as Record<string, { title: string }>).host?.title).toBe('Rechner');
  });
});
