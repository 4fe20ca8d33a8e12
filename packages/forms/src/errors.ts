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

/**
 * English fallbacks for the built-in validation keys (and the engine's reserved `unknown`), for
 * renderers whose flow strings do not translate them: a bad number then reads as prose, not a key.
 */
export const VALIDATION_ERROR_TEXT: Readonly<Record<ValidationErrorKey | 'unknown', string>> = {
  required: 'This field is required',
  invalid_type: 'This value has the wrong type',
  too_short: 'Too short',
  too_long: 'Too long',
  too_small: 'Too small',
  too_big: 'Too large',
  too_few: 'Choose more options',
  too_many: 'Choose fewer options',
  not_multiple: 'Not an allowed step for this value',
  not_unique: 'Each option can be chosen once',
  invalid_format: 'The format is not valid',
  invalid_option: 'Not one of the options',
  unknown_field: 'The form got a field it does not know',
  forbidden_key: 'The form got a forbidden key',
  invalid_input: 'The input is not valid',
  invalid: 'This value is not valid',
  unknown: 'Unexpected error',
};

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
