import type { FormDescription } from '../describe.ts';

type JsonObject = Record<string, unknown>;

/**
 * A consumer-owned copy of the description's JSON Schema with each property's `title`/`description` set
 * from the (already localised) texts, which is where JSON Schema renderers look for labels.
 * The cached schema itself is frozen and shared, so exporters never hand it out.
 */
export function labelledSchema(desc: FormDescription): JsonObject {
  const schema = structuredClone(desc.jsonSchema) as JsonObject;
  const properties = (schema.properties ?? {}) as Record<string, JsonObject>;
  for (const f of desc.fields) {
    const prop = properties[f.name];
    if (!prop) continue;
    prop.title = f.label.fallback;
    if (f.help) prop.description = f.help.fallback;
    else delete prop.description;
  }
  schema.title = desc.title.fallback;
  if (desc.description) schema.description = desc.description.fallback;
  return schema;
}
