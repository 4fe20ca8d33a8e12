import type { FieldDescriptor, FormDescription } from '../describe.ts';

/** One entry of HA's serialized `data_schema` (voluptuous_serialize + cv.custom_serializer). */
export interface HaField {
  name: string;
  required: boolean;
  default?: unknown;
  description?: { suggested_value: unknown };
  selector: Record<string, Record<string, unknown>>;
}

export interface HaSection {
  type: 'expandable';
  name: string;
  schema: HaField[];
  expanded: boolean;
}

export type HaSchemaEntry = HaField | HaSection;

const TEXT_TYPES: Partial<Record<FieldDescriptor['widget'], string>> = {
  password: 'password',
  email: 'email',
  url: 'url',
};

function selectorOf(f: FieldDescriptor): Record<string, Record<string, unknown>> {
  const config: Record<string, unknown> = {};
  let type: string;
  switch (f.widget) {
    case 'boolean':
      type = 'boolean';
      break;
    case 'number':
      type = 'number';
      if (f.min !== undefined) config.min = f.min;
      if (f.max !== undefined) config.max = f.max;
      if (f.step !== undefined) config.step = f.step;
      if (f.unit) config.unit_of_measurement = f.unit;
      // HA's default mode is a slider, which needs both bounds; a box always works.
      config.mode = 'box';
      break;
    case 'select':
    case 'multiselect':
      type = 'select';
      config.options = (f.options ?? []).map(({ value, label }) => ({ value, label }));
      config.multiple = f.widget === 'multiselect';
      config.mode = 'dropdown';
      break;
    case 'constant':
      type = 'constant';
      config.value = f.const ?? f.default;
      config.label = f.label.fallback;
      break;
    default:
      type = 'text';
      if (TEXT_TYPES[f.widget]) config.type = TEXT_TYPES[f.widget];
      if (f.widget === 'textarea') config.multiline = true;
      if (f.autocomplete) config.autocomplete = f.autocomplete;
      if (f.unit) config.suffix = f.unit;
  }
  if (f.readOnly) config.read_only = true;
  return { [type]: config };
}

function fieldEntry(f: FieldDescriptor): HaField {
  // Key order as voluptuous_serialize emits it: name, required, default, description, selector.
  return {
    name: f.name,
    required: f.required,
    ...(f.default !== undefined ? { default: f.default } : {}),
    // Secrets never carry a suggested value (describe() already drops them; this is belt and braces).
    ...(f.suggested !== undefined && !f.secret ? { description: { suggested_value: f.suggested } } : {}),
    selector: selectorOf(f),
  };
}

/**
 * The ordered list HA's frontend renders for a form step. Labels are not part of it: HA reads them from
 * translations (`Text.key` is that key). Not representable in HA and therefore dropped: `hidden` fields
 * (set them server-side or give them a default) and `visibleWhen` (HA uses another step instead).
 * A section becomes one `expandable` entry at the position of its first field.
 */
export function toHomeAssistant(desc: FormDescription): HaSchemaEntry[] {
  const out: HaSchemaEntry[] = [];
  const sections = new Map<string, HaSection>();
  for (const f of desc.fields) {
    if (f.widget === 'hidden') continue;
    const entry = fieldEntry(f);
    if (!f.section) {
      out.push(entry);
      continue;
    }
    let section = sections.get(f.section);
    if (!section) {
      const collapsed = desc.sections?.find((s) => s.name === f.section)?.collapsed ?? false;
      section = { type: 'expandable', name: f.section, schema: [], expanded: !collapsed };
      sections.set(f.section, section);
      out.push(section);
    }
    section.schema.push(entry);
  }
  return out;
}
