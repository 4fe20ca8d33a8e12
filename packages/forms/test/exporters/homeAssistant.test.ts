import { describe, expect, it } from 'vitest';
import { compileForm, type HaSchemaEntry, toHomeAssistant } from '../../src/index.ts';
import { richSchema, tokenSchema } from '../fixtures.ts';

/**
 * Hand-checked against HA's serialized data_schema: voluptuous_serialize emits an ordered list of
 * `{ name, required, default?, description: { suggested_value }?, selector: { <type>: config } }`, a
 * `section()` becomes `{ type: 'expandable', name, schema, expanded }`, every selector accepts `read_only`,
 * SelectSelector takes `options: [{ value, label }]` + `multiple`, NumberSelector takes
 * `min`/`max`/`step`/`unit_of_measurement`/`mode`, TextSelector takes `type`/`multiline`/`autocomplete`/`suffix`,
 * ConstantSelector takes `value`/`label`. HA has no hidden fields and no conditions.
 */
const RICH_FIXTURE: HaSchemaEntry[] = [
  { name: 'host', required: true, description: { suggested_value: 'nas.local' }, selector: { text: {} } },
  {
    name: 'port',
    required: false,
    default: 443,
    selector: { number: { min: 1, max: 65535, step: 1, mode: 'box' } },
  },
  {
    name: 'password',
    required: true,
    selector: { text: { type: 'password', autocomplete: 'current-password' } },
  },
  { name: 'email', required: false, selector: { text: { type: 'email' } } },
  { name: 'homepage', required: false, selector: { text: { type: 'url' } } },
  { name: 'use_ssl', required: false, default: true, selector: { boolean: {} } },
  {
    name: 'mode',
    required: true,
    selector: {
      select: {
        options: [
          { value: 'poll', label: 'poll' },
          { value: 'push', label: 'push' },
        ],
        multiple: false,
        mode: 'dropdown',
      },
    },
  },
  {
    name: 'sensors',
    required: false,
    selector: {
      select: {
        options: [
          { value: 'temp', label: 'temp' },
          { value: 'humidity', label: 'humidity' },
          { value: 'power', label: 'power' },
        ],
        multiple: true,
        mode: 'dropdown',
      },
    },
  },
  { name: 'notes', required: false, selector: { text: { multiline: true } } },
  { name: 'api_version', required: true, selector: { constant: { value: 'v2', label: 'Api version' } } },
  {
    type: 'expandable',
    name: 'advanced',
    expanded: false,
    schema: [
      {
        name: 'interval',
        required: false,
        default: 60,
        selector: { number: { min: 5, max: 3600, step: 5, unit_of_measurement: 's', mode: 'box' } },
      },
      {
        name: 'device_id',
        required: false,
        description: { suggested_value: 'abc-123' },
        selector: { text: { read_only: true } },
      },
    ],
  },
  { name: 'push_url', required: false, selector: { text: { type: 'url' } } },
];

describe('toHomeAssistant()', () => {
  it("produces HA's ordered selector list with sections, suggestions and read_only", () => {
    const form = compileForm({ domain: 'bridge', version: 1, stepId: 'user' }, richSchema);
    const ha = toHomeAssistant(form.describe({ suggested: { host: 'nas.local' } }));
    expect(ha).toEqual(RICH_FIXTURE);
    // key order as voluptuous_serialize writes it
    expect(Object.keys(ha[1] as object)).toEqual(['name', 'required', 'default', 'selector']);
    expect(JSON.parse(JSON.stringify(ha))).toEqual(ha);
  });

  it('uses labelled options and never emits a stored secret', () => {
    const form = compileForm({ domain: 'fp', version: 1, stepId: 'reauth' }, tokenSchema);
    const ha = toHomeAssistant(
      form.describe({
        suggested: { tokenstr: 'stored-token-value', region: 'US' },
        secretsWithValue: ['tokenstr'],
      }),
    );
    expect(ha).toEqual([
      { name: 'tokenstr', required: true, selector: { text: { type: 'password' } } },
      {
        name: 'region',
        required: true,
        description: { suggested_value: 'US' },
        selector: {
          select: {
            options: [
              { value: 'EU', label: 'Europe' },
              { value: 'US', label: 'United States' },
              { value: 'CA', label: 'Canada' },
            ],
            multiple: false,
            mode: 'dropdown',
          },
        },
      },
    ]);
    expect(JSON.stringify(ha)).not.toContain('stored-token-value');
  });
});
