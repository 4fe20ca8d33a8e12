import type { Json } from './types.ts';

export const REDACTED = '**REDACTED**';

/** Key names that always hold secrets, whatever the integration says. */
const ALWAYS_SECRET = /(password|passwd|secret|token|api[_-]?key|code_verifier|authorization|cookie)/i;

/** A deep copy with every value under a secret key replaced. */
export function redact<T extends Json | undefined>(value: T, secretKeys: ReadonlySet<string> = new Set()): T {
  const walk = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, Json> = {};
      for (const [k, inner] of Object.entries(v)) {
        out[k] = secretKeys.has(k) || ALWAYS_SECRET.test(k) ? REDACTED : walk(inner);
      }
      return out;
    }
    return v;
  };
  return (value === undefined ? value : walk(value)) as T;
}

/** Every string value stored under a secret key, to scrub from free text (error messages, logs). */
export function secretValues(value: Json | undefined, secretKeys: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const walk = (v: Json | undefined, secret: boolean) => {
    if (typeof v === 'string') {
      if (secret && v.length >= 4) found.push(v);
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x, secret);
    } else if (v && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v))
        walk(inner, secret || secretKeys.has(k) || ALWAYS_SECRET.test(k));
    }
  };
  walk(value, false);
  return found;
}

/** Replaces each known secret value in a text. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join(REDACTED);
  return out;
}
