import { z } from 'zod';

export type Widget =
  | 'text'
  | 'password'
  | 'number'
  | 'boolean'
  | 'select'
  | 'multiselect'
  | 'textarea'
  | 'url'
  | 'email'
  | 'hidden'
  | 'constant';

export type VisibleWhen = { field: string; equals: unknown } | { field: string; in: unknown[] };

/** UI hints attached to a field with zod's `.meta({...})`. */
export interface FieldMeta {
  widget?: Widget;
  secret?: boolean;
  suggested?: unknown;
  readOnly?: boolean;
  autocomplete?: string;
  section?: string;
  visibleWhen?: VisibleWhen;
  unit?: string;
  step?: number;
  /** `label` is the fallback text shown when no translation exists. */
  options?: { value: string; label: string }[];
}

/** Hints attached to the step's `z.object(...)` with `.meta({...})`. */
export interface FormMeta {
  title?: string;
  description?: string;
  sections?: Record<string, { collapsed?: boolean }>;
}

/** What a field's meta may carry besides FieldMeta: zod's own `title`/`description` (`.describe()`). */
export type ResolvedFieldMeta = FieldMeta & { title?: string; description?: string };

/**
 * FieldMeta keys that are not JSON Schema keywords. zod copies every meta key into the JSON Schema,
 * and Ajv strict mode rejects unknown keywords, so these are stripped from the emitted schema.
 * `readOnly` is a real JSON Schema annotation and stays.
 */
export const FIELD_META_KEYS: readonly string[] = [
  'widget',
  'secret',
  'suggested',
  'autocomplete',
  'section',
  'visibleWhen',
  'unit',
  'step',
  'options',
];

/** FormMeta keys stripped from the root schema for the same reason. */
export const FORM_META_KEYS: readonly string[] = ['sections'];

/** The subset of zod's internal definition this package reads. */
interface ZodDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
}

export function zodDef(schema: z.ZodType): ZodDef {
  return (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
}

// Wrappers that do not change what a user types into the field; meta may sit on any layer.
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

function innerOf(schema: z.ZodType): z.ZodType | undefined {
  const def = zodDef(schema);
  if (WRAPPERS.has(def.type)) return def.innerType;
  // Forms describe input, so a pipe/transform is seen through its input side.
  if (def.type === 'pipe') return def.in;
  return undefined;
}

/** The schema under optional/default/nullable/pipe wrappers: what decides the widget. */
export function unwrapField(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let next = innerOf(current); next; next = innerOf(current)) current = next;
  return current;
}

/** Meta merged across wrapper layers; the outermost layer wins, like zod's own JSON Schema output. */
export function readFieldMeta(schema: z.ZodType): ResolvedFieldMeta {
  const layers: z.ZodType[] = [];
  for (let s: z.ZodType | undefined = schema; s; s = innerOf(s)) layers.push(s);
  const merged: Record<string, unknown> = {};
  for (let i = layers.length - 1; i >= 0; i--) {
    const meta = z.globalRegistry.get(layers[i] as z.ZodType);
    if (meta) Object.assign(merged, meta);
  }
  return merged as ResolvedFieldMeta;
}

export function readFormMeta(schema: z.ZodObject): FormMeta {
  return (z.globalRegistry.get(schema) ?? {}) as FormMeta;
}
