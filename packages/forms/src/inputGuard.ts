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

/**
 * Copies `input` as plain JSON data, or says why it is not. The copy is what gets validated, so getters,
 * proxies or later mutation cannot change data between the checks and the result. Runs before Ajv/zod so
 * neither sees prototype keys, huge strings (regex cost) or deep nesting (stack).
 */
export function guardInput(input: unknown, limits: InputLimits = DEFAULT_LIMITS): GuardResult {
  if (input === null || typeof input !== 'object' || Object.getPrototypeOf(input) === Array.prototype) {
    return { ok: false, errors: { base: 'invalid_input' } };
  }
  const tooLongFields: FieldErrors = {};
  let anyTooLong = false;
  const copy = (value: unknown, depth: number, field: string, inArray: boolean): unknown => {
    switch (typeof value) {
      case 'string':
        if (tooLong(value, limits.maxStringBytes)) {
          tooLongFields[field] = 'too_long';
          anyTooLong = true;
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
        break;
      default: // bigint, symbol, function
        throw new Rejected('invalid_input');
    }
    if (value === null) return null;
    if (depth > limits.maxDepth) throw new Rejected('invalid_input');
    const proto = Object.getPrototypeOf(value);
    if (proto === Array.prototype) {
      const arr = value as unknown[];
      const out = new Array<unknown>(arr.length);
      for (let i = 0; i < arr.length; i++) {
        if (!Object.hasOwn(arr, i)) throw new Rejected('invalid_input'); // sparse array hole
        out[i] = copy(arr[i], depth + 1, field, true);
      }
      return out;
    }
    // Date, Map, class instances, foreign-realm objects: not JSON.
    if (proto !== Object.prototype && proto !== null) throw new Rejected('invalid_input');
    const out: Record<string, unknown> = {};
    for (const key of Reflect.ownKeys(value)) {
      if (typeof key === 'symbol') throw new Rejected('invalid_input');
      if (FORBIDDEN_KEYS.has(key)) throw new Rejected('forbidden_key');
      if (tooLong(key, limits.maxStringBytes)) throw new Rejected('invalid_input');
      const desc = Object.getOwnPropertyDescriptor(value, key);
      if (!desc?.enumerable) continue; // JSON.stringify ignores these too
      if (!('value' in desc)) throw new Rejected('invalid_input'); // accessor: would run foreign code
      const v = copy(desc.value, depth + 1, field === '' ? key : field, false);
      if (v !== undefined) out[key] = v; // `{ x: undefined }` means "x absent", as in JSON
    }
    return out;
  };
  try {
    const value = copy(input, 1, '', false) as Record<string, unknown>;
    if (anyTooLong) return { ok: false, errors: tooLongFields };
    return { ok: true, value };
  } catch (e) {
    // Anything else (a throwing Proxy trap) is hostile input too.
    return { ok: false, errors: { base: e instanceof Rejected ? e.key : 'invalid_input' } };
  }
}
