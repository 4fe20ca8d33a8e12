import type { ConfigFlow, Source } from '@configflow/core';
import type { CompiledForm, FieldDescriptor } from '@configflow/forms';
import fc from 'fast-check';

/**
 * fast-check arbitraries for what a client may send a flow: hostile bodies of every kind, and
 * valid-looking ones built from a form's own field descriptors (so fuzzing gets past the first step).
 * The HTTP API fuzzing reuses them.
 */

/** Any JSON value, strings over all of Unicode (lone surrogates included). */
export const anyJson = (maxDepth = 4): fc.Arbitrary<unknown> =>
  fc.jsonValue({ maxDepth, stringUnit: 'binary' } as fc.JsonSharedConstraints);

/** Values of the wrong type for any field, including ones JSON cannot carry (a direct API call can). */
export const wrongType = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0),
    fc.bigInt(),
    fc.date({ noInvalidDate: false }),
    fc.array(fc.anything(), { maxLength: 4 }),
    fc.object({ maxDepth: 2 }),
    fc.func(fc.anything()),
    fc.constant(Symbol('fuzz')),
    fc.constant(new Map([['a', 1]])),
  );

/** Strings from tens of KiB to past the forms layer's 64 KiB cap, cheap to generate. */
export const hugeString = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.string({ minLength: 1, maxLength: 4, unit: 'binary' }),
      fc.integer({ min: 20_000, max: 300_000 }),
    )
    .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));

/** Objects or arrays nested past the 32-level cap (not thousands deep: fast-check must print a counterexample). */
export const deeplyNested = (): fc.Arbitrary<unknown> =>
  fc
    .tuple(fc.integer({ min: 33, max: 400 }), fc.boolean(), fc.string({ maxLength: 8 }))
    .map(([depth, arrays, key]) => {
      let value: unknown = 'bottom';
      for (let i = 0; i < depth; i++) value = arrays ? [value] : { [key]: value };
      return value;
    });

const POLLUTING = ['__proto__', 'constructor', 'prototype'] as const;

/**
 * Objects with `__proto__`, `constructor` or `prototype` as own keys, at the root or nested, as a
 * JSON body parser produces them (`JSON.parse` makes `__proto__` an own key).
 */
export const pollutionBody = (fields: readonly string[] = []): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .tuple(
      fc.constantFrom(...POLLUTING),
      fc.constantFrom(...(fields.length > 0 ? fields : ['field'])),
      fc.boolean(),
      fc.oneof(fc.constant({ polluted: true }), fc.constant({ isAdmin: true, toString: 'x' }), anyJson(2)),
    )
    .map(([key, field, nested, payload]) => {
      const inner = `{${JSON.stringify(key)}: ${JSON.stringify(payload ?? null)}}`;
      return JSON.parse(nested ? `{${JSON.stringify(field)}: ${inner}}` : inner) as Record<string, unknown>;
    });

/** A body aimed at a form: its own field names with hostile values, plus stray keys. */
export const hostileBody = (fields: readonly string[] = []): fc.Arbitrary<unknown> => {
  const names = fields.length > 0 ? fc.constantFrom(...fields) : fc.string({ maxLength: 8 });
  const value = fc.oneof(wrongType(), hugeString(), deeplyNested(), anyJson(3));
  return fc.oneof(
    anyJson(),
    wrongType(),
    deeplyNested(),
    pollutionBody(fields),
    fc.dictionary(fc.oneof(names, fc.string({ maxLength: 12, unit: 'binary' })), value, { maxKeys: 6 }),
  );
};

/**
 * A body that passes a form's declared constraints (types, bounds, options), with `secret` in every
 * secret field: what gets a fuzz case past validation and into the step's own code.
 */
export function validBody(form: CompiledForm, secret: string): fc.Arbitrary<Record<string, unknown>> {
  const fields = form.describe().fields;
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of fields) {
    const value = fieldValue(field, secret);
    record[field.name] = field.required ? value : fc.option(value, { nil: undefined });
  }
  return fc
    .record(record)
    .map((body) => Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)));
}

function fieldValue(field: FieldDescriptor, secret: string): fc.Arbitrary<unknown> {
  if (field.secret) return fc.constant(secret);
  const options = field.options?.map((o) => o.value) ?? [];
  switch (field.widget) {
    case 'boolean':
      return fc.boolean();
    case 'number': {
      const min = field.min ?? -1_000_000;
      const max = field.max ?? 1_000_000;
      return field.step === 1
        ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
        : fc.double({ min, max, noNaN: true });
    }
    case 'select':
      return options.length > 0 ? fc.constantFrom(...options) : fc.string();
    case 'multiselect':
      return fc.subarray(options);
    case 'constant':
      return fc.constant(field.const);
    case 'email':
      return fc.emailAddress();
    case 'url':
      return fc.webUrl();
    default: {
      const minLength = field.minLength ?? 0;
      return fc.string({ minLength, maxLength: Math.max(minLength, Math.min(field.maxLength ?? 24, 24)) });
    }
  }
}

/** Every form of a flow (and its options flow), keyed `handler/kind/stepId`. */
export function formsOf(flow: ConfigFlow): Map<string, CompiledForm> {
  const out = new Map<string, CompiledForm>();
  for (const f of [flow, flow.options]) {
    if (!f) continue;
    for (const stepId of Object.keys(f.steps)) {
      const form = f.form(stepId);
      if (form) out.set(formKey(f.domain, f.kind === 'options' ? 'options' : 'user', stepId), form);
    }
  }
  return out;
}

/** The key of the form a flow shows: options flows have their own steps. */
export const formKey = (handler: string, source: Source | 'user', stepId: string): string =>
  `${handler}/${source === 'options' ? 'options' : 'config'}/${stepId}`;
