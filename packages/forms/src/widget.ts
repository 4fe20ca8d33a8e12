import type { z } from 'zod';
import { type ResolvedFieldMeta, unwrapField, type Widget, zodDef } from './fieldMeta.ts';

/** A select option plus the exact JSON value it stands for (enum values need not be strings). */
export interface FieldOption {
  value: string;
  label: string;
  raw: unknown;
}

type JsonObject = Record<string, unknown>;

function isEnumLike(schema: z.ZodType | undefined): boolean {
  return schema !== undefined && zodDef(unwrapField(schema)).type === 'enum';
}

/**
 * Picks the widget when meta does not say: the zod type decides, then the JSON Schema `format`
 * (that is where z.email()/z.url() show up), and `text` for anything else.
 */
export function inferWidget(field: z.ZodType, meta: ResolvedFieldMeta, prop: JsonObject): Widget {
  if (meta.widget) return meta.widget;
  if (meta.secret) return 'password';
  const def = zodDef(unwrapField(field));
  switch (def.type) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'enum':
      return 'select';
    case 'literal':
      return 'constant';
    case 'array':
      return meta.options || isEnumLike(def.element) ? 'multiselect' : 'text';
  }
  if (meta.options) return 'select';
  if (prop.format === 'email') return 'email';
  if (prop.format === 'uri' || prop.format === 'url') return 'url';
  return 'text';
}

/** Options from meta (labels given) or from the enum zod emitted (label = value). */
export function fieldOptions(
  meta: ResolvedFieldMeta,
  prop: JsonObject,
  widget: Widget,
): FieldOption[] | undefined {
  if (widget !== 'select' && widget !== 'multiselect') return undefined;
  if (meta.options) return meta.options.map((o) => ({ value: o.value, label: o.label, raw: o.value }));
  const target = (widget === 'multiselect' ? prop.items : prop) as JsonObject | undefined;
  const values = target?.enum;
  if (!Array.isArray(values)) return undefined;
  return values.map((v) => ({ value: String(v), label: String(v), raw: v }));
}
