import type { VisibleWhen, Widget } from './fieldMeta.ts';
import type { FieldAnalysis, FormSchema } from './jsonSchema.ts';
import {
  fieldHelpKey,
  fieldLabelKey,
  findString,
  humanize,
  type Strings,
  sectionNameKey,
  stepDescriptionKey,
  stepTitleKey,
  substitute,
  type Text,
} from './strings.ts';

export interface FieldDescriptor {
  name: string;
  required: boolean;
  widget: Widget;
  default?: unknown;
  suggested?: unknown;
  /** The fixed value of a `constant` field (z.literal). */
  const?: unknown;
  options?: { value: string; label: string }[];
  min?: number;
  max?: number;
  step?: number;
  unit?: string;
  minLength?: number;
  maxLength?: number;
  readOnly?: boolean;
  secret?: boolean;
  /** Secrets only: a value is stored. The value itself is never part of a description. */
  hasValue?: boolean;
  autocomplete?: string;
  section?: string;
  visibleWhen?: VisibleWhen;
  label: Text;
  help?: Text;
}

export interface FormDescription {
  /** JSON Schema 2020-12 from zod (io: 'input'), root `additionalProperties: false`, zod key order. */
  jsonSchema: Record<string, unknown>;
  /** In zod key order. */
  fields: FieldDescriptor[];
  sections?: { name: string; label: Text; collapsed: boolean }[];
  title: Text;
  description?: Text;
}

export interface DescribeOptions {
  /** Prefill values (HA's suggested_value); ignored for secret fields. */
  suggested?: Record<string, unknown>;
  /** Secret fields that already have a stored value: they get `hasValue: true`. */
  secretsWithValue?: string[];
  strings?: Strings;
  /** Defaults to `en`. */
  locale?: string;
  /** Description placeholders, substituted into every text's fallback and attached to it. */
  placeholders?: Record<string, string>;
}

export interface StepRef {
  kind?: string;
  stepId: string;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
// z.int() emits the safe-integer range; that is a type limit, not a bound worth showing on a form.
const bound = (v: unknown): number | undefined =>
  typeof v === 'number' && Math.abs(v) !== Number.MAX_SAFE_INTEGER ? v : undefined;

function describeField(a: FieldAnalysis, ref: StepRef): FieldDescriptor {
  const { meta, prop } = a;
  const d: FieldDescriptor = {
    name: a.name,
    required: a.required,
    widget: a.widget,
    label: { key: fieldLabelKey(ref.kind, ref.stepId, a.name), fallback: meta.title ?? humanize(a.name) },
  };
  if (meta.description)
    d.help = { key: fieldHelpKey(ref.kind, ref.stepId, a.name), fallback: meta.description };
  if (Object.hasOwn(prop, 'default')) d.default = prop.default;
  if (meta.suggested !== undefined && !meta.secret) d.suggested = meta.suggested;
  if (a.widget === 'constant' && Object.hasOwn(prop, 'const')) d.const = prop.const;
  if (a.options) d.options = a.options.map(({ value, label }) => ({ value, label }));
  const min = bound(prop.minimum) ?? bound(prop.exclusiveMinimum);
  const max = bound(prop.maximum) ?? bound(prop.exclusiveMaximum);
  if (min !== undefined) d.min = min;
  if (max !== undefined) d.max = max;
  const step = meta.step ?? num(prop.multipleOf) ?? (prop.type === 'integer' ? 1 : undefined);
  if (step !== undefined) d.step = step;
  if (meta.unit) d.unit = meta.unit;
  const minLength = num(prop.minLength);
  const maxLength = num(prop.maxLength);
  if (minLength !== undefined) d.minLength = minLength;
  if (maxLength !== undefined) d.maxLength = maxLength;
  if (meta.readOnly || prop.readOnly === true) d.readOnly = true;
  if (meta.secret) {
    d.secret = true;
    d.hasValue = false;
  }
  if (meta.autocomplete) d.autocomplete = meta.autocomplete;
  if (meta.section) d.section = meta.section;
  if (meta.visibleWhen) d.visibleWhen = meta.visibleWhen;
  return d;
}

/** The per-form description with fallback texts from meta or humanised names; built once and frozen. */
export function buildDescription(form: FormSchema, ref: StepRef): FormDescription {
  const { formMeta } = form;
  const fields = form.fields.map((a) => describeField(a, ref));
  const desc: FormDescription = {
    jsonSchema: form.jsonSchema,
    fields,
    title: { key: stepTitleKey(ref.kind, ref.stepId), fallback: formMeta.title ?? humanize(ref.stepId) },
  };
  const sectionNames = [...new Set(fields.flatMap((f) => (f.section ? [f.section] : [])))];
  if (sectionNames.length > 0) {
    desc.sections = sectionNames.map((name) => ({
      name,
      label: { key: sectionNameKey(ref.kind, ref.stepId, name), fallback: humanize(name) },
      collapsed: formMeta.sections?.[name]?.collapsed ?? false,
    }));
  }
  if (formMeta.description) {
    desc.description = { key: stepDescriptionKey(ref.kind, ref.stepId), fallback: formMeta.description };
  }
  return desc;
}

/** Resolves every fallback through strings (locale -> base language -> en); texts stay unsubstituted. */
export function localizeDescription(
  base: FormDescription,
  ref: StepRef,
  strings: Strings,
  locale: string | undefined,
): FormDescription {
  const text = (t: Text): Text => ({ ...t, fallback: findString(strings, locale, t.key) ?? t.fallback });
  // A text that meta did not provide may still exist in strings.
  const optional = (t: Text | undefined, key: string): Text | undefined => {
    const found = findString(strings, locale, key);
    if (found !== undefined) return { ...(t ?? { key }), key, fallback: found };
    return t;
  };
  const out: FormDescription = {
    ...base,
    title: text(base.title),
    fields: base.fields.map((f) => {
      const field = { ...f, label: text(f.label) };
      const help = optional(f.help, fieldHelpKey(ref.kind, ref.stepId, f.name));
      if (help) field.help = help;
      return field;
    }),
  };
  if (base.sections) out.sections = base.sections.map((s) => ({ ...s, label: text(s.label) }));
  const description = optional(base.description, stepDescriptionKey(ref.kind, ref.stepId));
  if (description) out.description = description;
  return out;
}

/** Per-call values: suggestions, stored-secret flags and placeholders. Never copies a secret's value. */
export function overlayDescription(base: FormDescription, opts: DescribeOptions): FormDescription {
  const { suggested, secretsWithValue, placeholders } = opts;
  const withPlaceholders = (t: Text): Text =>
    placeholders ? { ...t, fallback: substitute(t.fallback, placeholders), placeholders } : t;
  const out: FormDescription = {
    ...base,
    title: withPlaceholders(base.title),
    fields: base.fields.map((f) => {
      const hasValue = f.secret ? (secretsWithValue?.includes(f.name) ?? false) : undefined;
      const suggest =
        !f.secret &&
        suggested !== undefined &&
        suggested[f.name] !== undefined &&
        Object.hasOwn(suggested, f.name);
      // Unchanged fields are shared with the cached (frozen) description instead of copied.
      if (!placeholders && !suggest && hasValue === f.hasValue) return f;
      const field: FieldDescriptor = { ...f, label: withPlaceholders(f.label) };
      if (f.help) field.help = withPlaceholders(f.help);
      if (hasValue !== undefined) field.hasValue = hasValue;
      if (suggest) field.suggested = suggested[f.name];
      return field;
    }),
  };
  if (base.description) out.description = withPlaceholders(base.description);
  return out;
}
