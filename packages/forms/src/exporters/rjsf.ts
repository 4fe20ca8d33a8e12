import type { FieldDescriptor, FormDescription } from '../describe.ts';
import { labelledSchema } from './labelledSchema.ts';

export type RjsfUiSchema = Record<string, unknown> & { 'ui:order': string[] };

export interface RjsfExport {
  schema: Record<string, unknown>;
  uiSchema: RjsfUiSchema;
}

export interface RjsfOptions {
  /** Render selects with at most this many options as radio buttons. Default 0 (never). */
  radioMaxOptions?: number;
}

function fieldUi(f: FieldDescriptor, opts: RjsfOptions): Record<string, unknown> {
  const ui: Record<string, unknown> = {};
  if (f.widget === 'password') ui['ui:widget'] = 'password';
  else if (f.widget === 'textarea') ui['ui:widget'] = 'textarea';
  else if (f.widget === 'hidden') ui['ui:widget'] = 'hidden';
  else if (f.widget === 'select' && (f.options?.length ?? 0) <= (opts.radioMaxOptions ?? 0)) {
    ui['ui:widget'] = 'radio';
  }
  if (f.help) ui['ui:help'] = f.help.fallback;
  if (f.readOnly || f.widget === 'constant') ui['ui:readonly'] = true;
  if (f.autocomplete) ui['ui:autocomplete'] = f.autocomplete;
  // Secrets: show that a value is stored without ever sending it.
  if (f.secret && f.hasValue) ui['ui:placeholder'] = '••••••••';
  const options: Record<string, unknown> = {};
  // RJSF has no declarative show/hide; a custom FieldTemplate can read this.
  if (f.visibleWhen) options.visibleWhen = f.visibleWhen;
  if (f.section) options.section = f.section;
  if (f.unit) options.unit = f.unit;
  if (Object.keys(options).length > 0) ui['ui:options'] = options;
  return ui;
}

/**
 * react-jsonschema-form `{ schema, uiSchema }`. Labels are schema titles; option labels are the schema's
 * `oneOf: [{ const, title }]`; `ui:order` keeps field order. `suggested` values belong in `formData`,
 * not here. Use `customizeValidator({ AjvClass: Ajv2020 })` since the schema is draft 2020-12.
 */
export function toRjsf(desc: FormDescription, opts: RjsfOptions = {}): RjsfExport {
  const uiSchema: RjsfUiSchema = { 'ui:order': desc.fields.map((f) => f.name) };
  for (const f of desc.fields) {
    const ui = fieldUi(f, opts);
    if (Object.keys(ui).length > 0) uiSchema[f.name] = ui;
  }
  return { schema: labelledSchema(desc), uiSchema };
}
