import type { z } from 'zod';
import { type AjvValidateFunction, compileSchema } from './ajv.ts';
import { deepFreeze } from './deepFreeze.ts';
import {
  buildDescription,
  type DescribeOptions,
  type FormDescription,
  localizeDescription,
  overlayDescription,
} from './describe.ts';
import type { FieldErrors } from './errors.ts';
import { DEFAULT_LIMITS, type InputLimits } from './inputGuard.ts';
import { buildFormSchema, type FormSchema } from './jsonSchema.ts';
import type { Strings } from './strings.ts';
import { runValidation } from './validate.ts';

/** Identifies a step's form. `kind` is `config` (default) or `options`, as HA's strings.json trees. */
export interface FormKey {
  domain: string;
  version: number;
  stepId: string;
  kind?: string;
}

export type ValidationResult<S extends z.ZodObject> =
  | { ok: true; data: z.output<S> }
  | { ok: false; errors: FieldErrors };

export interface CompiledForm<S extends z.ZodObject = z.ZodObject> {
  readonly key: FormKey;
  readonly schema: S;
  /** Cached: the base description is built once per compiled form; this only overlays per-call values. */
  describe(opts?: DescribeOptions): FormDescription;
  /** Never throws: hostile input comes back as `{ ok: false, errors }`. */
  validate(input: unknown): ValidationResult<S>;
}

export interface CompileOptions {
  limits?: Partial<InputLimits>;
}

let descriptionBuilds = 0;

class Form<S extends z.ZodObject> implements CompiledForm<S> {
  readonly key: FormKey;
  readonly schema: S;
  private readonly form: FormSchema;
  private readonly validator: AjvValidateFunction;
  private readonly limits: InputLimits;
  private base: FormDescription | undefined;
  private readonly localized = new WeakMap<Strings, Map<string, FormDescription>>();

  constructor(key: FormKey, schema: S, limits: InputLimits) {
    this.key = Object.freeze({ ...key });
    this.schema = schema;
    this.limits = limits;
    this.form = buildFormSchema(schema);
    deepFreeze(this.form.jsonSchema);
    // Compiled eagerly so a schema Ajv rejects fails at definition time, not on a user's first submit.
    this.validator = compileSchema(this.form.jsonSchema);
  }

  describe(opts: DescribeOptions = {}): FormDescription {
    const ref = { kind: this.key.kind, stepId: this.key.stepId };
    if (!this.base) {
      descriptionBuilds++;
      this.base = deepFreeze(buildDescription(this.form, ref));
    }
    let desc = this.base;
    if (opts.strings) {
      const locale = opts.locale ?? 'en';
      let byLocale = this.localized.get(opts.strings);
      if (!byLocale) {
        byLocale = new Map();
        this.localized.set(opts.strings, byLocale);
      }
      let hit = byLocale.get(locale);
      if (!hit) {
        hit = deepFreeze(localizeDescription(desc, ref, opts.strings, locale));
        byLocale.set(locale, hit);
      }
      desc = hit;
    }
    if (opts.suggested || opts.secretsWithValue || opts.placeholders) desc = overlayDescription(desc, opts);
    return desc;
  }

  validate(input: unknown): ValidationResult<S> {
    return runValidation(input, this.validator, this.schema, this.limits) as ValidationResult<S>;
  }
}

// Keyed by schema identity first, so forms die with their schema; then by the form key (+ limits).
const cache = new WeakMap<z.ZodObject, Map<string, Form<z.ZodObject>>>();
let compiledForms = 0;

/** Compiles (or returns the cached) form for a step. Cached per (domain, version, kind, stepId) and schema. */
export function compileForm<S extends z.ZodObject>(
  key: FormKey,
  schema: S,
  options: CompileOptions = {},
): CompiledForm<S> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const id = JSON.stringify([key.domain, key.version, key.kind ?? 'config', key.stepId, limits]);
  let byKey = cache.get(schema);
  if (!byKey) {
    byKey = new Map();
    cache.set(schema, byKey);
  }
  let form = byKey.get(id);
  if (!form) {
    form = new Form(key, schema, limits);
    compiledForms++;
    byKey.set(id, form);
  }
  return form as unknown as CompiledForm<S>;
}

/** Process-wide counters, to check that caching holds (tests, benchmarks, diagnostics). */
export function formCacheStats(): { compiledForms: number; descriptionBuilds: number } {
  return { compiledForms, descriptionBuilds };
}
