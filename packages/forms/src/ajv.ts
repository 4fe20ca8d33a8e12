import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv names its class as an export, which reads the same under every module resolution (a consumer's
// `bundler` or `node16`). ajv-formats has only a default, and under NodeNext the default import of
// CommonJS is the whole module object, so `.default` is the plugin; it stays out of our .d.ts.
const addFormats = addFormatsModule.default;

export type AjvInstance = InstanceType<typeof Ajv2020>;
export type AjvValidateFunction = ReturnType<AjvInstance['compile']>;

let instance: AjvInstance | undefined;
let compiles = 0;

/**
 * The one Ajv instance of the process: creating one costs ~0.5 ms and its compile cache is per instance.
 * Strict, so a schema problem fails at compile time instead of being ignored at validate time.
 * `allowUnionTypes` because zod emits `type: ['string', 'null']` for nullable fields.
 */
export function formAjv(): AjvInstance {
  if (!instance) {
    instance = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(instance);
  }
  return instance;
}

/** How many schemas this package compiled; lets tests prove caching. */
export function ajvCompileCount(): number {
  return compiles;
}

/** Keywords whose values are maps of subschemas, single subschemas, or arrays of subschemas. */
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const SCHEMA_ONE = [
  'items',
  'additionalItems',
  'additionalProperties',
  'unevaluatedItems',
  'unevaluatedProperties',
  'propertyNames',
  'contains',
  'not',
  'if',
  'then',
  'else',
  'contentSchema',
];
const SCHEMA_LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Calls `visit` on every (sub)schema object, never on data positions like `const`, `default` or `enum`. */
export function forEachSubschema(schema: unknown, visit: (s: Record<string, unknown>) => void): void {
  if (!isObject(schema)) return;
  visit(schema);
  for (const k of SCHEMA_MAPS) {
    const map = schema[k];
    if (isObject(map)) for (const sub of Object.values(map)) forEachSubschema(sub, visit);
  }
  for (const k of SCHEMA_ONE) {
    const sub = schema[k];
    if (Array.isArray(sub)) for (const s of sub) forEachSubschema(s, visit);
    else forEachSubschema(sub, visit);
  }
  for (const k of SCHEMA_LIST) {
    const list = schema[k];
    if (Array.isArray(list)) for (const s of list) forEachSubschema(s, visit);
  }
}

const KEYWORD_NAME = /^[a-z_$][a-z0-9_$:-]*$/i;

/**
 * Makes strict Ajv accept the annotations zod copies from `.meta()`: unknown keywords (e.g. `x-ui`) are
 * registered as annotation-only, unknown keys that cannot be keywords are deleted, and formats zod emits
 * but ajv-formats lacks (e.g. `cidrv4`) are registered as always-valid — zod still checks them.
 * Mutates `schema`; call before freezing.
 */
export function prepareForAjv(schema: Record<string, unknown>): void {
  const ajv = formAjv();
  const known = (ajv as unknown as { RULES: { keywords: Record<string, unknown> } }).RULES.keywords;
  forEachSubschema(schema, (s) => {
    for (const key of Object.keys(s)) {
      if (Object.hasOwn(known, key)) continue;
      if (KEYWORD_NAME.test(key) && !key.startsWith('$')) ajv.addKeyword(key);
      else delete s[key];
    }
    if (typeof s.format === 'string' && !Object.hasOwn(ajv.formats, s.format)) ajv.addFormat(s.format, true);
  });
}

/** Compiles through the shared instance (its cache is keyed by schema object identity). */
export function compileSchema(schema: Record<string, unknown>): AjvValidateFunction {
  compiles++;
  return formAjv().compile(schema);
}
