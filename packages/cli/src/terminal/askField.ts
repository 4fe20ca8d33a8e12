import type { FieldDescriptor, FormDescription } from '@configflow/forms';
import { optionValue } from './fieldOptions.ts';
import type { Choice, TerminalIO } from './io.ts';

export interface FieldContext {
  form: FormDescription;
  label: string;
  help?: string;
  /** The translated error from the last submission. */
  error?: string;
  /** What to pre-fill: the previous answer, else the suggested value, else the default. */
  initial: unknown;
  /** The text for a missing required value (the flow's `required` error, translated). */
  requiredText: string;
}

/** Marks a stored secret: submitting nothing keeps it (the server never sends it back). */
export const KEEP_SECRET_HINT = '(has value — leave empty to keep)';

/** clack's multi-line prompt takes Enter as a new line; Enter on the empty line after it submits. */
export const MULTILINE_HINT = '(press Enter twice to finish)';

/** Sentinel choice for an optional select the user leaves unset. */
const NONE = '\u0000none';

/** Asks one field with the prompt its widget calls for; `undefined` means "leave it out". */
export async function askField(io: TerminalIO, field: FieldDescriptor, ctx: FieldContext): Promise<unknown> {
  const base = {
    field: field.name,
    message: field.unit ? `${ctx.label} (${field.unit})` : ctx.label,
    ...(ctx.help ? { help: ctx.help } : {}),
    ...(ctx.error ? { error: ctx.error } : {}),
  };
  const required = (value: string) => (field.required && value.trim() === '' ? ctx.requiredText : undefined);
  const initialText = ctx.initial === undefined || ctx.initial === null ? undefined : String(ctx.initial);

  switch (field.widget) {
    case 'password': {
      // Only an optional secret can be kept: a required one (a reauth's new token) must be typed again.
      const keep = field.hasValue === true && !field.required;
      const value = await io.password({
        ...base,
        message: keep ? `${base.message} ${KEEP_SECRET_HINT}` : base.message,
        // A stored secret may be left empty: the field is then left out and the stored value stays.
        ...(keep ? {} : { validate: required }),
      });
      return value === '' ? undefined : value;
    }
    case 'boolean':
      return io.confirm({ ...base, initial: ctx.initial === undefined ? false : Boolean(ctx.initial) });
    case 'select': {
      const options: Choice[] = (field.options ?? []).map((o) => ({ value: o.value, label: o.label }));
      if (!field.required && field.default === undefined) options.push({ value: NONE, label: '(none)' });
      const chosen = await io.select({
        ...base,
        options,
        ...(initialText !== undefined ? { initial: initialText } : {}),
      });
      return chosen === NONE ? undefined : optionValue(ctx.form, field, chosen);
    }
    case 'multiselect': {
      const initial = Array.isArray(ctx.initial) ? ctx.initial.map(String) : [];
      const chosen = await io.multiselect({
        ...base,
        options: (field.options ?? []).map((o) => ({ value: o.value, label: o.label })),
        initial,
        required: field.required && field.default === undefined,
      });
      return chosen.map((c) => optionValue(ctx.form, field, c));
    }
    case 'number': {
      const value = await io.text({
        ...base,
        ...(initialText !== undefined ? { initial: initialText } : {}),
        ...(rangeText(field) ? { placeholder: rangeText(field) } : {}),
        validate: (v) => required(v) ?? numberProblem(field, v),
      });
      return value.trim() === '' ? undefined : Number(value.trim());
    }
    case 'textarea': {
      const value = await io.multiline({
        ...base,
        message: `${base.message} ${MULTILINE_HINT}`,
        ...(initialText !== undefined ? { initial: initialText } : {}),
        validate: required,
      });
      return value === '' && !field.required ? undefined : value;
    }
    default: {
      // text, url, email: the server checks formats; the terminal only insists on required ones.
      const value = await io.text({
        ...base,
        ...(initialText !== undefined ? { initial: initialText } : {}),
        validate: required,
      });
      return value === '' && !field.required ? undefined : value;
    }
  }
}

/** `10–3600`, `≥ 5`: the bounds as a hint in the empty prompt. */
function rangeText(field: FieldDescriptor): string | undefined {
  if (field.min !== undefined && field.max !== undefined) return `${field.min}–${field.max}`;
  if (field.min !== undefined) return `≥ ${field.min}`;
  if (field.max !== undefined) return `≤ ${field.max}`;
  return undefined;
}

/** Checks a typed number before it is sent: a number, within bounds, on the field's step. */
export function numberProblem(field: FieldDescriptor, raw: string): string | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) return 'Enter a number';
  if (field.min !== undefined && n < field.min) return `At least ${field.min}`;
  if (field.max !== undefined && n > field.max) return `At most ${field.max}`;
  if (field.step === 1 && !Number.isInteger(n)) return 'Enter a whole number';
  return undefined;
}
