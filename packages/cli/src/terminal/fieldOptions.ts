import type { FieldDescriptor, FormDescription } from '@configflow/forms';

type Schema = { oneOf?: { const?: unknown }[]; enum?: unknown[]; items?: Schema };

/**
 * The JSON value a chosen option stands for. Descriptors carry option values as strings, but an
 * enum may hold numbers or booleans: the form's JSON Schema has the real constants.
 */
export function optionValue(form: FormDescription, field: FieldDescriptor, chosen: string): unknown {
  const props = (form.jsonSchema as { properties?: Record<string, Schema> }).properties ?? {};
  let schema = props[field.name];
  if (field.widget === 'multiselect') schema = schema?.items;
  const raws = schema?.oneOf?.map((o) => o.const) ?? schema?.enum ?? [];
  return raws.find((raw) => String(raw) === chosen) ?? chosen;
}
