import type { FieldDescriptor, FormDescription } from '../describe.ts';

/** One entry of HA's serialized `data_schema` (voluptuous_serialize + cv.custom_serializer). */
export interface HaField {
  name: string;
  required: boolean;
  /** voluptuous_serialize's legacy flag, set on every optional key. */
  optional?: true;
  default?: unknown;
  description?: { suggested_value: unknown };
  selector: Record<string, Record<string, unknown>>;
}

export interface HaSection {
  type: 'expandable';
  name: string;
  /** A section key is `vol.Required`: its fields decide for themselves. */
  required: true;
  schema: HaField[];
  expanded: boolean;
  /** The frontend submits the section's fields at the top level, the flat data this package validates. */
  flatten: true;
}

export type HaSchemaEntry = HaField | HaSection;

const TEXT_TYPES: Partial<Record<FieldDescriptor['widget'], string>> = {
  password: 'password',
  email: 'email',
  url: 'url',
};

function selectorOf(f: FieldDescriptor, restricted: boolean): Record<string, Record<string, unknown>> {
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
      // Without a step HA's box accepts whole numbers only; `any` lets a float through.
      config.step = f.step ?? 'any';
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
      // Options given at render time (FordPass's vehicle list) that the schema does not restrict to.
      if (!restricted) config.custom_value = true;
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

/** Whether the field's JSON Schema only accepts its listed options (an enum), not any string. */
function restrictsOptions(desc: FormDescription, f: FieldDescriptor): boolean {
  const prop = (desc.jsonSchema.properties as Record<string, Record<string, unknown>> | undefined)?.[f.name];
  const target = (f.widget === 'multiselect' ? prop?.items : prop) as Record<string, unknown> | undefined;
  return target !== undefined && (Array.isArray(target.oneOf) || Array.isArray(target.enum));
}

function fieldEntry(desc: FormDescription, f: FieldDescriptor): HaField {
  // Key order as voluptuous_serialize emits it: name, required/optional, default, description, selector.
  return {
    name: f.name,
    required: f.required,
    ...(f.required ? {} : { optional: true as const }),
    ...(f.default !== undefined ? { default: f.default } : {}),
    // Secrets never carry a suggested value (describe() already drops them; this is belt and braces).
    ...(f.suggested !== undefined && !f.secret ? { description: { suggested_value: f.suggested } } : {}),
    selector: selectorOf(f, restrictsOptions(desc, f)),
  };
}

/**
 * The ordered list HA's frontend renders for a form step. Labels are not part of it: HA reads them from
 * translations (`Text.key` is that key). Not representable in HA and therefore dropped: `hidden` fields
 * (set them server-side or give them a default) and `visibleWhen` (HA uses another step instead).
 * A section becomes one `expandable` entry (`flatten: true`) at the position of its first field; its
 * field labels go in `sections.<s>.data.<f>` of the translations (see `toHomeAssistantStrings`).
 */
export function toHomeAssistant(desc: FormDescription): HaSchemaEntry[] {
  const out: HaSchemaEntry[] = [];
  const sections = new Map<string, HaSection>();
  for (const f of desc.fields) {
    if (f.widget === 'hidden') continue;
    const entry = fieldEntry(desc, f);
    if (!f.section) {
      out.push(entry);
      continue;
    }
    let section = sections.get(f.section);
    if (!section) {
      const collapsed = desc.sections?.find((s) => s.name === f.section)?.collapsed ?? false;
      section = {
        type: 'expandable',
        name: f.section,
        required: true,
        schema: [],
        expanded: !collapsed,
        flatten: true,
      };
      sections.set(f.section, section);
      out.push(section);
    }
    section.schema.push(entry);
  }
  return out;
}

/** One step's texts in HA's `strings.json` layout (`config.step.<id>`), from a localised description. */
export interface HaStepStrings {
  title: string;
  description?: string;
  data: Record<string, string>;
  data_description: Record<string, string>;
  sections?: Record<
    string,
    { name: string; data: Record<string, string>; data_description: Record<string, string> }
  >;
}

/**
 * The step's translations where HA's frontend looks for them: labels of fields in a section live at
 * `sections.<s>.data.<f>` there, not at `data.<f>` (where this package keeps them, as the data is flat).
 */
export function toHomeAssistantStrings(desc: FormDescription): HaStepStrings {
  const out: HaStepStrings = { title: desc.title.fallback, data: {}, data_description: {} };
  if (desc.description) out.description = desc.description.fallback;
  for (const f of desc.fields) {
    if (f.widget === 'hidden') continue;
    let target: { data: Record<string, string>; data_description: Record<string, string> } = out;
    if (f.section) {
      out.sections ??= {};
      const name = desc.sections?.find((s) => s.name === f.section)?.label.fallback ?? f.section;
      target = out.sections[f.section] ??= { name, data: {}, data_description: {} };
    }
    target.data[f.name] = f.label.fallback;
    if (f.help) target.data_description[f.name] = f.help.fallback;
  }
  return out;
}
