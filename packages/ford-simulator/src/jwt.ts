import { randomBytes } from 'node:crypto';
import { base64urlJson, isBase64url, randomBase64url } from './encoding.ts';

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/**
 * An unsigned-but-real-looking JWT: clients decode the payload (for `sub`, `exp`) but never verify the
 * signature, so random bytes stand in for it. Token validity lives in the simulator's token table.
 */
export function makeJwt(payload: Record<string, unknown>, alg = 'EdDSA'): string {
  const header = { alg, typ: 'JWT', kid: randomBase64url(9) };
  return `${base64urlJson(header)}.${base64urlJson(payload)}.${randomBase64url(64)}`;
}

export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every(isBase64url)) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    if (typeof header !== 'object' || header === null || typeof payload !== 'object' || payload === null) {
      return undefined;
    }
    return { header, payload };
  } catch {
    return undefined;
  }
}

/**
 * A compact JWE (header.encryptedKey.iv.ciphertext.tag) of roughly 1,000-1,150 characters, the shape
 * of B2C authorization codes. Its content is random: the simulator finds codes by exact string, so any
 * truncation or garbling makes it undecryptable, as at Ford (AADB2C90090).
 */
export function makeJwe(): string {
  const header = { alg: 'RSA-OAEP', enc: 'A256GCM', kid: randomBase64url(24), zip: 'Deflate' };
  const ciphertextBytes = 400 + (randomBytes(1)[0]! % 100);
  return [
    base64urlJson(header),
    randomBase64url(256),
    randomBase64url(12),
    randomBase64url(ciphertextBytes),
    randomBase64url(16),
  ].join('.');
}

/** Whether a string has the 5 non-empty base64url segments of a compact JWE. */
export function looksLikeJwe(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 5 && parts.every((part) => part.length > 0 && isBase64url(part));
}
