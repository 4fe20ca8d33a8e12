import { describe, expect, it } from 'vitest';
import {
  compileForm,
  type FormDescription,
  type HaSchemaEntry,
  toHomeAssistant,
  toHomeAssistantStrings,
  z,
} from '../../src/index.ts';
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
    optional: true,
    default: 443,
    selector: { number: { min: 1, max: 65535, step: 1, mode: 'box' } },
  },
  {
    name: 'password',
    required: true,
    selector: { text: { type: 'password', autocomplete: 'current-password' } },
  },
  { name: 'email', required: false, optional: true, selector: { text: { type: 'email' } } },
  { name: 'homepage', required: false, optional: true, selector: { text: { type: 'url' } } },
  { name: 'use_ssl', required: false, optional: true, default: true, selector: { boolean: {} } },
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
    optional: true,
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
  { name: 'notes', required: false, optional: true, selector: { text: { multiline: true } } },
  { name: 'api_version', required: true, selector: { constant: { value: 'v2', label: 'Api version' } } },
  {
    type: 'expandable',
    name: 'advanced',
    required: true,
    expanded: false,
    flatten: true,
    schema: [
      {
        name: 'interval',
        required: false,
        optional: true,
        default: 60,
        selector: { number: { min: 5, max: 3600, step: 5, unit_of_measurement: 's', mode: 'box' } },
      },
      {
        name: 'device_id',
        required: false,
        optional: true,
        description: { suggested_value: 'abc-123' },
        selector: { text: { read_only: true } },
      },
    ],
  },
  { name: 'push_url', required: false, optional: true, selector: { text: { type: 'url' } } },
];

describe('toHomeAssistant()', () => {
  it("produces HA's ordered selector list with sections, suggestions and read_only", () => {
    const form = compileForm({ domain: 'bridge', version: 1, stepId: 'user' }, richSchema);
    const ha = toHomeAssistant(form.describe({ suggested: { host: 'nas.local' } }));
    expect(ha).toEqual(RICH_FIXTURE);
    // key order as voluptuous_serialize writes it
    expect(Object.keys(ha[1] as object)).toEqual(['name', 'required', 'optional', 'default', 'selector']);
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

  it('lets floats through with step "any" and typed values with custom_value', () => {
    const schema = z.object({ ratio: z.number().min(0), vin: z.string().min(1) });
    const desc = compileForm({ domain: 'x', version: 1, stepId: 'user' }, schema).describe();
    // Options given at render time (as FordPass's vehicle step does): the schema still takes any VIN.
    const withVehicles: FormDescription = {
      ...desc,
      fields: desc.fields.map((f) =>
        f.name === 'vin' ? { ...f, widget: 'select', options: [{ value: 'VIN1', label: 'Kuga' }] } : f,
      ),
    };
    expect(toHomeAssistant(withVehicles)).toEqual([
      { name: 'ratio', required: true, selector: { number: { min: 0, step: 'any', mode: 'box' } } },
      {
        name: 'vin',
        required: true,
        selector: {
          select: {
            options: [{ value: 'VIN1', label: 'Kuga' }],
            multiple: false,
            mode: 'dropdown',
            custom_value: true,
          },
        },
      },
    ]);
  });

  it('puts the labels of fields in a section where HA looks for them', () => {
    const form = compileForm({ domain: 'bridge', version: 1, stepId: 'user' }, richSchema);
    const strings = toHomeAssistantStrings(form.describe());
    expect(strings.title).toBe('Connect to the bridge');
    expect(strings.data).toMatchObject({ host: 'Host', push_url: 'Push url' });
    expect(strings.data).not.toHaveProperty('interval');
    expect(strings.data).not.toHaveProperty('internal');
    expect(strings.data_description).toEqual({ host: 'Hostname or IP of the bridge' });
    expect(strings.sections).toEqual({
      advanced: {
        name: 'Advanced',
        data: { interval: 'Interval', device_id: 'Device id' },
        data_description: {},
      },
    });
  });
});
