import type { z } from 'zod';
import type { AjvValidateFunction } from './ajv.ts';
import { addZodIssues, ajvErrorsToFieldErrors } from './errorMapping.ts';
import type { FieldErrors } from './errors.ts';
import { guardInput, type InputLimits } from './inputGuard.ts';

export type Validation<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/**
 * Guard -> Ajv (the JSON Schema contract renderers also see) -> zod (refinements, transforms, defaults).
 * zod runs even after Ajv failed so refinement errors on other fields show in the same round trip; Ajv's
 * key wins for a field both report.
 */
export function runValidation<S extends z.ZodObject>(
  input: unknown,
  ajvValidate: AjvValidateFunction,
  schema: S,
  limits: InputLimits,
): Validation<z.output<S>> {
  try {
    const guarded = guardInput(input, limits);
    if (!guarded.ok) return guarded;
    const errors: FieldErrors = ajvValidate(guarded.value)
      ? {}
      : ajvErrorsToFieldErrors(ajvValidate.errors ?? []);
    const parsed = schema.safeParse(guarded.value);
    if (!parsed.success) addZodIssues(errors, parsed.error.issues);
    if (parsed.success && Object.keys(errors).length === 0) return { ok: true, data: parsed.data };
    // Ajv and zod disagreeing with neither naming a field still must not pass.
    if (Object.keys(errors).length === 0) errors.base = 'invalid';
    return { ok: false, errors };
  } catch {
    // A throwing refinement or a hostile object that slipped through must not crash the caller.
    return { ok: false, errors: { base: 'invalid_input' } };
  }
}
