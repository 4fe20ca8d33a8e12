import type { FieldErrors } from './errors.ts';

export interface InputLimits {
  /** Per string (values and keys), in UTF-8 bytes. */
  maxStringBytes: number;
  /** Objects/arrays nested deeper than this are rejected; the root object is depth 1. */
  maxDepth: number;
}

export const DEFAULT_LIMITS: Readonly<InputLimits> = Object.freeze({
  maxStringBytes: 64 * 1024,
  maxDepth: 32,
});

/** Keys that could reach Object.prototype through naive merges downstream. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type GuardResult = { ok: true; value: Record<string, unknown> } | { ok: false; errors: FieldErrors };

class Rejected {
  constructor(readonly key: 'forbidden_key' | 'invalid_input') {}
}

interface GuardState {
  limits: InputLimits;
  tooLong: FieldErrors | undefined;
}

function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      bytes += 4; // surrogate pair
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function tooLong(s: string, max: number): boolean {
  if (s.length > max) return true; // every UTF-16 unit is at least one byte
  return s.length * 3 > max && utf8Length(s) > max;
}

function copyValue(
  value: unknown,
  depth: number,
  field: string,
  inArray: boolean,
  state: GuardState,
): unknown {
  switch (typeof value) {
    case 'string':
      if (tooLong(value, state.limits.maxStringBytes)) {
        state.tooLong ??= {};
        state.tooLong[field] = 'too_long';
      }
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new Rejected('invalid_input');
      return value;
    case 'boolean':
      return value;
    case 'undefined':
      if (inArray) throw new Rejected('invalid_input');
      return undefined;
    case 'object':
      return value === null ? null : copyContainer(value, depth, field, state);
    default: // bigint, symbol, function
      throw new Rejected('invalid_input');
  }
}

function copyContainer(value: object, depth: number, field: string, state: GuardState): unknown {
  if (depth > state.limits.maxDepth) throw new Rejected('invalid_input');
  const proto = Object.getPrototypeOf(value);
  if (proto === Array.prototype) {
    const arr = value as unknown[];
    const out = new Array<unknown>(arr.length);
    for (let i = 0; i < arr.length; i++) {
      if (!Object.hasOwn(arr, i)) throw new Rejected('invalid_input'); // sparse array hole
      out[i] = copyValue(arr[i], depth + 1, field, true, state);
    }
    return out;
  }
  // Date, Map, class instances, foreign-realm objects: not JSON.
  if (proto !== Object.prototype && proto !== null) throw new Rejected('invalid_input');
  // Symbol keys cannot come from JSON; their presence means a crafted object.
  if (Object.getOwnPropertySymbols(value).length > 0) throw new Rejected('invalid_input');
  const out: Record<string, unknown> = {};
  // Enumerable own keys, as JSON.stringify sees them. Each value (a getter too) is read exactly once.
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) throw new Rejected('forbidden_key');
    if (tooLong(key, state.limits.maxStringBytes)) throw new Rejected('invalid_input');
    const v = copyValue(
      (value as Record<string, unknown>)[key],
      depth + 1,
      field === '' ? key : field,
      false,
      state,
    );
    if (v !== undefined) out[key] = v; // `{ x: undefined }` means "x absent", as in JSON
  }
  return out;
}

/**
 * Copies `input` as plain JSON data, or says why it is not. The copy is what gets validated, so getters,
 * proxies or later mutation cannot change data between the checks and the result. Runs before Ajv/zod so
 * neither sees prototype keys, huge strings (regex cost) or deep nesting (stack).
 */
export function guardInput(input: unknown, limits: InputLimits = DEFAULT_LIMITS): GuardResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, errors: { base: 'invalid_input' } };
  }
  const state: GuardState = { limits, tooLong: undefined };
  try {
    const value = copyContainer(input, 1, '', state) as Record<string, unknown>;
    if (state.tooLong) return { ok: false, errors: state.tooLong };
    return { ok: true, value };
  } catch (e) {
    // Anything else (a throwing getter or Proxy trap) is hostile input too.
    return { ok: false, errors: { base: e instanceof Rejected ? e.key : 'invalid_input' } };
  }
}
