import type { FieldDescriptor, FormDescription } from '../describe.ts';
import type { VisibleWhen } from '../fieldMeta.ts';
import { initialData, labelledSchema, labelWithUnit } from './labelledSchema.ts';

export interface JsonFormsRule {
  effect: 'SHOW';
  condition: { scope: string; schema: { const: unknown } | { enum: unknown[] } };
}

export interface JsonFormsControl {
  type: 'Control';
  scope: string;
  label: string;
  options?: Record<string, unknown>;
  rule?: JsonFormsRule;
}

export interface JsonFormsGroup {
  type: 'Group';
  label: string;
  elements: JsonFormsControl[];
  options?: Record<string, unknown>;
}

export interface JsonFormsVerticalLayout {
  type: 'VerticalLayout';
  elements: (JsonFormsControl | JsonFormsGroup)[];
}

export interface JsonFormsExport {
  schema: Record<string, unknown>;
  uischema: JsonFormsVerticalLayout;
  /** Pass as `data`: defaults, suggestions and constants, which JSON Forms' default Ajv does not fill in. */
  data: Record<string, unknown>;
}

const scopeOf = (name: string) => `#/properties/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;

export function visibilityRule(v: VisibleWhen): JsonFormsRule {
  return {
    effect: 'SHOW',
    condition: { scope: scopeOf(v.field), schema: 'in' in v ? { enum: [...v.in] } : { const: v.equals } },
  };
}

function control(f: FieldDescriptor): JsonFormsControl {
  const c: JsonFormsControl = { type: 'Control', scope: scopeOf(f.name), label: labelWithUnit(f) };
  const options: Record<string, unknown> = {};
  if (f.widget === 'textarea') options.multi = true;
  // The vanilla and Material text renderers draw `format: 'password'` as a masked input.
  if (f.secret || f.widget === 'password') options.format = 'password';
  if (f.readOnly || f.widget === 'constant') options.readonly = true;
  if (f.unit) options.unit = f.unit;
  // Help is the field's description; the vanilla renderers otherwise show it only while focused.
  if (f.help) options.showUnfocusedDescription = true;
  if (Object.keys(options).length > 0) c.options = options;
  if (f.visibleWhen) c.rule = visibilityRule(f.visibleWhen);
  return c;
}

/**
 * JSON Forms `{ schema, uischema }`: a VerticalLayout of Controls in field order, one Group per section
 * (placed at its first field), and a SHOW rule per `visibleWhen`. `hidden` fields get no Control.
 * The schema has no `$schema`, so JSON Forms' default (draft-07) Ajv accepts it; `data` carries the
 * initial values: `<JsonForms {...toJsonForms(desc)} renderers=… onChange=… />`.
 */
export function toJsonForms(desc: FormDescription): JsonFormsExport {
  const elements: (JsonFormsControl | JsonFormsGroup)[] = [];
  const groups = new Map<string, JsonFormsGroup>();
  for (const f of desc.fields) {
    if (f.widget === 'hidden') continue;
    if (!f.section) {
      elements.push(control(f));
      continue;
    }
    let group = groups.get(f.section);
    if (!group) {
      const section = desc.sections?.find((s) => s.name === f.section);
      group = { type: 'Group', label: section?.label.fallback ?? f.section, elements: [] };
      if (section?.collapsed) group.options = { collapsed: true };
      groups.set(f.section, group);
      elements.push(group);
    }
    group.elements.push(control(f));
  }
  return {
    schema: labelledSchema(desc),
    uischema: { type: 'VerticalLayout', elements },
    data: initialData(desc),
  };
}
