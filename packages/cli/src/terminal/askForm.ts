import type { FieldErrors } from '@configflow/core';
import type { FieldDescriptor, FormDescription } from '@configflow/forms';
import { askField } from './askField.ts';
import type { FlowTexts } from './flowTexts.ts';
import type { TerminalIO } from './io.ts';
import { isVisible } from './visibility.ts';

export interface AskFormOptions {
  io: TerminalIO;
  texts: FlowTexts;
  form: FormDescription;
  placeholders?: Record<string, string>;
  /** Error keys from the last submission: per field, or `base` for the form. */
  errors?: FieldErrors;
  /** This step's last answers: with field errors, only the failing fields are asked again. */
  previous?: Record<string, unknown>;
  /** Skip the title and description (an external step prints its own). */
  bare?: boolean;
}

/** Walks a form description field by field and returns the input to submit. */
export async function askForm(opts: AskFormOptions): Promise<Record<string, unknown>> {
  const { io, texts, form, placeholders } = opts;
  const errors = opts.errors ?? {};
  const names = new Set(form.fields.map((f) => f.name));
  const failing = Object.keys(errors).filter((k) => names.has(k));
  // With field errors and the last answers at hand, only the failing fields are asked again;
  // a `base` error alone means the whole form is wrong, so every field comes back pre-filled.
  const only = opts.previous && failing.length > 0 ? new Set(failing) : undefined;

  if (!opts.bare) {
    io.heading(texts.text(form.title, placeholders));
    if (form.description && !opts.errors) io.info(texts.text(form.description, placeholders));
  }
  for (const [key, error] of Object.entries(errors)) {
    if (!names.has(key)) io.error(texts.error(error, placeholders));
  }

  const values: Record<string, unknown> = { ...opts.previous };
  const currentValue = (name: string) => {
    if (Object.hasOwn(values, name)) return values[name];
    const field = form.fields.find((f) => f.name === name);
    return field ? (field.suggested ?? field.default) : undefined;
  };
  let section: string | undefined;

  for (const field of form.fields) {
    const { name } = field;
    if (!isVisible(field, currentValue)) {
      delete values[name];
      continue;
    }
    const fixed = fixedValue(field);
    if (fixed.fixed) {
      if (fixed.value === undefined) delete values[name];
      else values[name] = fixed.value;
      if (fixed.show && fixed.value !== undefined && !only)
        io.info(`${texts.text(field.label, placeholders)}: ${String(fixed.value)}`);
      continue;
    }
    if (only && !only.has(name) && Object.hasOwn(values, name)) continue;
    if (field.section && field.section !== section) {
      const label = form.sections?.find((s) => s.name === field.section)?.label;
      io.heading(label ? texts.text(label, placeholders) : field.section);
    }
    section = field.section;
    const previous = field.secret ? undefined : opts.previous?.[name];
    const error = errors[name];
    const answer = await askField(io, field, {
      form,
      label: texts.text(field.label, placeholders),
      ...(field.help ? { help: texts.text(field.help, placeholders) } : {}),
      ...(error ? { error: texts.error(error, placeholders) } : {}),
      initial: previous ?? field.suggested ?? field.default,
      requiredText: texts.error('required', placeholders),
    });
    if (answer === undefined) delete values[name];
    else values[name] = answer;
  }
  // Answers to fields that are not on this form (or no longer visible) are not sent.
  for (const key of Object.keys(values)) if (!names.has(key)) delete values[key];
  return values;
}

/** Fields the user does not type into: constants, hidden values and read-only ones. */
function fixedValue(field: FieldDescriptor): { fixed: boolean; value?: unknown; show?: boolean } {
  if (field.widget === 'constant') return { fixed: true, value: field.const, show: true };
  if (field.widget === 'hidden') return { fixed: true, value: field.suggested ?? field.default, show: false };
  if (field.readOnly) return { fixed: true, value: field.suggested ?? field.default, show: true };
  return { fixed: false };
}
