import { z } from 'zod';
import { forEachSubschema, prepareForAjv } from './ajv.ts';
import {
  FIELD_META_KEYS,
  FORM_META_KEYS,
  type FormMeta,
  type ResolvedFieldMeta,
  readFieldMeta,
  readFormMeta,
  type Widget,
} from './fieldMeta.ts';
import { type FieldOption, fieldOptions, inferWidget } from './widget.ts';

type JsonObject = Record<string, unknown>;

/** Everything describe() needs to know about one field, gathered once at compile time. */
export interface FieldAnalysis {
  name: string;
  required: boolean;
  widget: Widget;
  meta: ResolvedFieldMeta;
  /** The field's final JSON Schema (after this module's edits). */
  prop: JsonObject;
  options?: FieldOption[];
}

export interface FormSchema {
  jsonSchema: JsonObject;
  fields: FieldAnalysis[];
  formMeta: FormMeta;
}

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Options as `oneOf: [{ const, title }]`: the form of labelled enums both JSON Forms and RJSF render. */
function labelledOneOf(options: FieldOption[]) {
  return options.map((o) => ({ const: o.raw, title: o.label }));
}

/**
 * zod's own input-side JSON Schema (defaulted fields optional), plus: unknown keys rejected at the root,
 * secrets marked `format: password` + `writeOnly`, options as labelled `oneOf`, and FieldMeta keys stripped
 * so strict Ajv accepts it. Property order stays the zod key order.
 */
export function buildFormSchema(schema: z.ZodObject): FormSchema {
  const jsonSchema = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as JsonObject;
  if (typeof jsonSchema.$ref === 'string') {
    // `.meta({ id })` on the step object makes zod emit a bare $ref root with no properties to describe.
    throw new TypeError(
      'compileForm: remove `id` from the step schema meta (zod turns the root into a $ref)',
    );
  }
  const formMeta = readFormMeta(schema);
  for (const key of FORM_META_KEYS) delete jsonSchema[key];
  const properties = (isObject(jsonSchema.properties) ? jsonSchema.properties : {}) as Record<
    string,
    JsonObject
  >;
  const required = new Set(Array.isArray(jsonSchema.required) ? (jsonSchema.required as string[]) : []);

  const fields: FieldAnalysis[] = [];
  for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const prop = properties[name] ?? {};
    const meta = readFieldMeta(field);
    const widget = inferWidget(field, meta, prop);
    const options = fieldOptions(meta, prop, widget);
    if (meta.secret) {
      prop.format = 'password';
      prop.writeOnly = true;
    }
    if (options) {
      const target = widget === 'multiselect' && isObject(prop.items) ? prop.items : prop;
      delete target.enum;
      target.oneOf = labelledOneOf(options);
      if (widget === 'multiselect') prop.uniqueItems = true;
    }
    fields.push({ name, required: required.has(name), widget, meta, prop, ...(options ? { options } : {}) });
  }
  // zod only emits this for io: 'output'; the form must reject keys it does not declare.
  jsonSchema.additionalProperties = false;
  forEachSubschema(jsonSchema, (s) => {
    for (const key of FIELD_META_KEYS) delete s[key];
  });
  prepareForAjv(jsonSchema);
  return { jsonSchema, fields, formMeta };
}
