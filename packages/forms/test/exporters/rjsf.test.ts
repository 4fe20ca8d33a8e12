import {
  getDefaultFormState,
  getUiOptions,
  isMultiSelect,
  isSelect,
  optionsList,
  orderProperties,
  type RJSFSchema,
  type UiSchema,
} from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import Ajv2020Module from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { compileForm, toRjsf } from '../../src/index.ts';
import { richSchema, tokenSchema } from '../fixtures.ts';

// RJSF's default validator is draft-07; its documented switch to 2020-12 is a custom AjvClass.
const validator = customizeValidator({ AjvClass: Ajv2020Module.default as never });

const rich = compileForm({ domain: 'bridge', version: 1, stepId: 'user' }, richSchema);
const { schema, uiSchema } = toRjsf(rich.describe({ secretsWithValue: ['password'] }));
const rjsfSchema = schema as RJSFSchema;
const props = rjsfSchema.properties as Record<string, RJSFSchema>;

describe('toRjsf()', () => {
  it("validates data with RJSF's own ajv8 validator", () => {
    const good = { host: 'h', password: 'p', mode: 'poll', api_version: 'v2' };
    expect(validator.isValid(rjsfSchema, good, rjsfSchema)).toBe(true);
    const { errors } = validator.validateFormData({ ...good, port: 0, mode: 'pull', rogue: 1 }, rjsfSchema);
    expect(errors.map((e) => e.property)).toEqual(expect.arrayContaining(['.port', '.mode']));
    expect(errors.some((e) => e.name === 'additionalProperties')).toBe(true);
  });

  it('orders fields with ui:order the way RJSF applies it', () => {
    expect(uiSchema['ui:order']).toEqual(Object.keys(richSchema.shape));
    const shuffled = Object.keys(props).reverse();
    expect(orderProperties(shuffled, uiSchema['ui:order'])).toEqual(Object.keys(richSchema.shape));
  });

  it('sets widgets, help and readonly that getUiOptions reads back', () => {
    const ui = uiSchema as UiSchema;
    expect(getUiOptions(ui.password)).toMatchObject({ widget: 'password', placeholder: '••••••••' });
    expect(getUiOptions(ui.notes)).toMatchObject({ widget: 'textarea' });
    expect(getUiOptions(ui.internal)).toMatchObject({ widget: 'hidden' });
    // Help is the schema description alone: RJSF would print a `ui:help` a second time.
    expect(getUiOptions(ui.host)).not.toHaveProperty('help');
    expect(props.host?.description).toBe('Hostname or IP of the bridge');
    expect(getUiOptions(ui.device_id)).toMatchObject({ readonly: true });
    expect(props.host?.title).toBe('Host');
    expect(props.interval?.title).toBe('Interval (s)');
  });

  it("lays sections and visibleWhen out with RJSF's LayoutGridField, data flat", () => {
    expect(uiSchema['ui:field']).toBe('LayoutGridField');
    const rows = uiSchema['ui:layoutGrid']?.['ui:row'] ?? [];
    expect(rows).toContainEqual({
      'ui:row': {
        className: 'cf-section',
        role: 'group',
        'aria-label': 'Advanced',
        children: [{ 'ui:col': ['interval'] }, { 'ui:col': ['device_id'] }],
      },
    });
    expect(rows).toContainEqual({
      'ui:condition': {
        field: 'mode',
        operator: 'all',
        value: 'push',
        children: [{ 'ui:col': ['push_url'] }],
      },
    });
  });

  it('gives selects labelled options RJSF lists, and multiselects RJSF recognises', () => {
    const token = toRjsf(compileForm({ domain: 'fp', version: 1, stepId: 'user' }, tokenSchema).describe());
    const region = (token.schema.properties as Record<string, RJSFSchema>).region as RJSFSchema;
    expect(isSelect(validator, region)).toBe(true);
    expect(optionsList(region)?.map(({ value, label }) => ({ value, label }))).toEqual([
      { value: 'EU', label: 'Europe' },
      { value: 'US', label: 'United States' },
      { value: 'CA', label: 'Canada' },
    ]);
    expect(isMultiSelect(validator, props.sensors as RJSFSchema, rjsfSchema)).toBe(true);
    expect(toRjsf(rich.describe(), { radioMaxOptions: 2 }).uiSchema.mode).toMatchObject({
      'ui:widget': 'radio',
    });
  });

  it('lets RJSF compute the form state from the schema defaults', () => {
    expect(getDefaultFormState(validator, rjsfSchema, {})).toMatchObject({
      port: 443,
      use_ssl: true,
      interval: 60,
    });
  });
});
