import type { FieldDescriptor, FormDescription } from '../describe.ts';

type JsonObject = Record<string, unknown>;

/** A field's label as renderers without a unit slot show it: `Update interval (s)`. */
export function labelWithUnit(f: FieldDescriptor): string {
  return f.unit ? `${f.label.fallback} (${f.unit})` : f.label.fallback;
}

const optionsOneOf = (f: FieldDescriptor) =>
  (f.options ?? []).map((o) => ({ const: o.value, title: o.label }));

/** Whether the schema's own option list is the descriptor's (render-time options replace it). */
function sameOptions(oneOf: unknown, f: FieldDescriptor): boolean {
  return (
    Array.isArray(oneOf) &&
    oneOf.length === (f.options?.length ?? 0) &&
    oneOf.every((o, i) => String((o as JsonObject).const) === f.options?.[i]?.value)
  );
}

/**
 * A consumer-owned copy of the description's JSON Schema, in the shape RJSF's and JSON Forms' default
 * Ajv (draft-07) accept:
 * - no `$schema`: both default validators are draft-07 and reject the 2020-12 meta-schema URI (JSON Forms
 *   throws, RJSF never submits); nothing else in a form schema differs between the two drafts;
 * - each property's `title`/`description` from the (already localised) texts, the unit in the title;
 * - options given at render time (FordPass's vehicle list) as the labelled `oneOf` renderers draw as a select.
 * The cached schema itself is frozen and shared, so exporters never hand it out.
 */
export function labelledSchema(desc: FormDescription): JsonObject {
  const schema = structuredClone(desc.jsonSchema) as JsonObject;
  delete schema.$schema;
  const properties = (schema.properties ?? {}) as Record<string, JsonObject>;
  for (const f of desc.fields) {
    const prop = properties[f.name];
    if (!prop) continue;
    prop.title = labelWithUnit(f);
    if (f.help) prop.description = f.help.fallback;
    else delete prop.description;
    if (f.options && (f.widget === 'select' || f.widget === 'multiselect')) {
      if (f.widget === 'multiselect' && !prop.items) prop.items = {};
      const target = f.widget === 'multiselect' ? (prop.items as JsonObject) : prop;
      if (!sameOptions(target.oneOf, f)) {
        delete target.enum;
        target.oneOf = optionsOneOf(f);
      }
    }
  }
  schema.title = desc.title.fallback;
  if (desc.description) schema.description = desc.description.fallback;
  return schema;
}

/**
 * The values a form starts with: defaults, suggested values and constants (never a secret). Renderers
 * show schema defaults only when their Ajv runs with `useDefaults` (JSON Forms' does not), so they go
 * into the data.
 */
export function initialData(desc: FormDescription): JsonObject {
  const data: JsonObject = {};
  for (const f of desc.fields) {
    if (f.secret) continue;
    const value = f.suggested ?? (f.widget === 'constant' ? f.const : undefined) ?? f.default;
    if (value !== undefined) data[f.name] = structuredClone(value);
  }
  return data;
}
