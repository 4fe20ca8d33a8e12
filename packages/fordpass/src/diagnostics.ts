import type { Json } from '@configflow/core';

export const REDACTED = '**REDACTED**';

/** Keys whose values never leave in a diagnostics export. */
const SECRET_KEY =
  /token|secret|password|verifier|authorization|^code$|^url$|^vin$|accountid|^sub$|email|^label$|^lat$|^lon$|location/i;
/** JWTs (3 segments) and JWEs (5 segments) of any origin. */
const TOKEN_LIKE = /^[A-Za-z0-9_-]{8,}(\.[A-Za-z0-9_-]{8,}){2,4}$/;
const VIN_LIKE = /\b[A-HJ-NPR-Z0-9]{17}\b/g;

/**
 * Deep-copies `value` with every token, the account's identity, the location and every VIN redacted.
 * VINs become `**REDACTED**` wherever they appear, inside longer strings too (Ford's 403 message quotes
 * the VIN); the export keeps only `vinLast4` so support can tell two cars apart.
 */
export function redactDiagnostics(value: unknown, key = ''): Json {
  if (key && SECRET_KEY.test(key) && value !== null && value !== undefined) return REDACTED;
  if (typeof value === 'string') {
    if (TOKEN_LIKE.test(value)) return REDACTED;
    return value.replace(VIN_LIKE, REDACTED);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map((item) => redactDiagnostics(item));
  if (typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out[k.replace(VIN_LIKE, REDACTED)] = redactDiagnostics(v, k);
    }
    return out;
  }
  return String(value);
}
