import type { ErrorObject } from 'ajv';
import type { z } from 'zod';
import type { FieldErrors } from './errors.ts';

const AJV_KEYS: Record<string, string> = {
  required: 'required',
  type: 'invalid_type',
  minLength: 'too_short',
  maxLength: 'too_long',
  minimum: 'too_small',
  exclusiveMinimum: 'too_small',
  maximum: 'too_big',
  exclusiveMaximum: 'too_big',
  minItems: 'too_few',
  maxItems: 'too_many',
  multipleOf: 'not_multiple',
  uniqueItems: 'not_unique',
  format: 'invalid_format',
  pattern: 'invalid_format',
  enum: 'invalid_option',
  const: 'invalid_option',
  oneOf: 'invalid_option',
  anyOf: 'invalid_option',
  additionalProperties: 'unknown_field',
  unevaluatedProperties: 'unknown_field',
};

/** First segment of a JSON Pointer, unescaped (`~1` -> `/`, `~0` -> `~`). */
function firstSegment(pointer: string): string | undefined {
  if (pointer === '') return undefined;
  const end = pointer.indexOf('/', 1);
  const raw = end === -1 ? pointer.slice(1) : pointer.slice(1, end);
  return raw.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * One key per top-level field; the first error Ajv reports for a field wins (Ajv checks `type` before
 * value keywords, so a wrong type is not reported as e.g. `invalid_option`).
 * A root-level unknown key goes to `base`: the name is caller-controlled and a renderer has no field to
 * show it on.
 */
export function ajvErrorsToFieldErrors(errors: readonly ErrorObject[]): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors) {
    const key = AJV_KEYS[e.keyword] ?? 'invalid';
    let field = firstSegment(e.instancePath);
    if (field === undefined && e.keyword === 'required')
      field = (e.params as { missingProperty: string }).missingProperty;
    field ??= 'base';
    if (!Object.hasOwn(out, field)) out[field] = key;
  }
  return out;
}

const TOKEN = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

function zodIssueKey(issue: z.core.$ZodIssue): string {
  // Authors name their own errors with a snake_case message: `.refine(fn, { message: 'cannot_connect' })`.
  if (TOKEN.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return 'invalid_type';
    case 'too_small':
      return issue.origin === 'string'
        ? 'too_short'
        : issue.origin === 'array' || issue.origin === 'set'
          ? 'too_few'
          : 'too_small';
    case 'too_big':
      return issue.origin === 'string'
        ? 'too_long'
        : issue.origin === 'array' || issue.origin === 'set'
          ? 'too_many'
          : 'too_big';
    case 'invalid_format':
      return 'invalid_format';
    case 'invalid_value':
      return 'invalid_option';
    case 'not_multiple_of':
      return 'not_multiple';
    case 'unrecognized_keys':
      return 'unknown_field';
    default:
      return 'invalid';
  }
}

/** Adds zod issues by `path[0]` (anything without a string path[0] goes to `base`) without overwriting. */
export function addZodIssues(out: FieldErrors, issues: readonly z.core.$ZodIssue[]): FieldErrors {
  for (const issue of issues) {
    const head = issue.path[0];
    const field = typeof head === 'string' ? head : 'base';
    if (!Object.hasOwn(out, field)) out[field] = zodIssueKey(issue);
  }
  return out;
}
