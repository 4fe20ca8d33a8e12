/** Field name (or `base` for form-wide problems) -> error KEY, as Home Assistant's `errors` dict. */
export type FieldErrors = Record<string, string>;

/**
 * Every key `validate` can produce by itself. Refinements may add their own snake_case keys.
 * Renderers translate them (e.g. `config.error.<key>`); they are never prose.
 */
export const VALIDATION_ERROR_KEYS = [
  'required',
  'invalid_type',
  'too_short',
  'too_long',
  'too_small',
  'too_big',
  'too_few',
  'too_many',
  'not_multiple',
  'not_unique',
  'invalid_format',
  'invalid_option',
  'unknown_field',
  'forbidden_key',
  'invalid_input',
  'invalid',
] as const;

export type ValidationErrorKey = (typeof VALIDATION_ERROR_KEYS)[number];

/** Typed "400 Bad Request" for flow engines: carries the same FieldErrors `validate` returns. */
export class InvalidInput extends Error {
  override readonly name = 'InvalidInput';
  readonly errors: FieldErrors;

  constructor(errors: FieldErrors) {
    const listed = Object.entries(errors)
      .map(([field, key]) => `${field}: ${key}`)
      .join(', ');
    super(`Invalid input (${listed || 'no details'})`);
    this.errors = errors;
  }
}
