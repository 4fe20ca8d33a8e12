import type { FieldDescriptor, FormDescription } from '../describe.ts';
import type { VisibleWhen } from '../fieldMeta.ts';
import { initialData, labelledSchema } from './labelledSchema.ts';

/** One element of RJSF 6's `LayoutGridField` grid (`ui:layoutGrid`). */
export type RjsfGridElement =
  | { 'ui:col': string[] }
  | { 'ui:row': { className: string; role: 'group'; 'aria-label': string; children: RjsfGridElement[] } }
  | {
      'ui:condition': {
        field: string;
        operator: 'all' | 'some';
        value: unknown;
        children: RjsfGridElement[];
      };
    };

export type RjsfUiSchema = Record<string, unknown> & {
  'ui:order': string[];
  'ui:field'?: 'LayoutGridField';
  'ui:layoutGrid'?: { 'ui:row': RjsfGridElement[] };
};

export interface RjsfExport {
  schema: Record<string, unknown>;
  uiSchema: RjsfUiSchema;
  /** Suggestions and constants (defaults too): the values the form starts with. */
  formData: Record<string, unknown>;
  /**
   * RJSF's default (`constAsDefaults: 'always'`) takes the first `oneOf` option of a select as its
   * default, so a user who never chose one submits it; `skipOneOf` leaves the select empty.
   */
  experimental_defaultFormStateBehavior: { constAsDefaults: 'skipOneOf' };
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
  // No `ui:help`: RJSF already prints the schema `description` under the label.
  if (f.readOnly || f.widget === 'constant') ui['ui:readonly'] = true;
  if (f.autocomplete) ui['ui:autocomplete'] = f.autocomplete;
  // Secrets: show that a value is stored without ever sending it.
  if (f.secret && f.hasValue) ui['ui:placeholder'] = '••••••••';
  return ui;
}

function shownWhen(v: VisibleWhen, children: RjsfGridElement[]): RjsfGridElement {
  return 'in' in v
    ? { 'ui:condition': { field: v.field, operator: 'some', value: [...v.in], children } }
    : { 'ui:condition': { field: v.field, operator: 'all', value: v.equals, children } };
}

/**
 * Sections and `visibleWhen` as RJSF 6's stock `LayoutGridField`: the data stays flat, a section is a
 * `role="group"` element named by its label (class `cf-section`), and a condition shows its field only
 * while it holds.
 */
function layoutGrid(desc: FormDescription): RjsfGridElement[] {
  const rows: RjsfGridElement[] = [];
  const sections = new Map<string, RjsfGridElement[]>();
  for (const f of desc.fields) {
    const cell: RjsfGridElement = { 'ui:col': [f.name] };
    const element = f.visibleWhen ? shownWhen(f.visibleWhen, [cell]) : cell;
    if (!f.section) {
      rows.push(element);
      continue;
    }
    let children = sections.get(f.section);
    if (!children) {
      children = [];
      sections.set(f.section, children);
      const label = desc.sections?.find((s) => s.name === f.section)?.label.fallback ?? f.section;
      rows.push({ 'ui:row': { className: 'cf-section', role: 'group', 'aria-label': label, children } });
    }
    children.push(element);
  }
  return rows;
}

/**
 * react-jsonschema-form props: `<Form {...toRjsf(desc)} validator={validator} />` with RJSF's default
 * `@rjsf/validator-ajv8` (the schema has no `$schema`, so its draft-07 Ajv accepts it). Labels are schema
 * titles; option labels are the schema's `oneOf: [{ const, title }]`; `ui:order` keeps field order.
 */
export function toRjsf(desc: FormDescription, opts: RjsfOptions = {}): RjsfExport {
  const uiSchema: RjsfUiSchema = { 'ui:order': desc.fields.map((f) => f.name) };
  if (desc.fields.some((f) => f.section || f.visibleWhen)) {
    uiSchema['ui:field'] = 'LayoutGridField';
    uiSchema['ui:layoutGrid'] = { 'ui:row': layoutGrid(desc) };
  }
  for (const f of desc.fields) {
    const ui = fieldUi(f, opts);
    if (Object.keys(ui).length > 0) uiSchema[f.name] = ui;
  }
  return {
    schema: labelledSchema(desc),
    uiSchema,
    formData: initialData(desc),
    experimental_defaultFormStateBehavior: { constAsDefaults: 'skipOneOf' },
  };
}
