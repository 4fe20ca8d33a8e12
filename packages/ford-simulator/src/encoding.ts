import { createHash, randomBytes } from 'node:crypto';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function randomBase64url(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export function isBase64url(segment: string): boolean {
  return BASE64URL.test(segment);
}

/** PKCE S256: base64url(sha256(verifier)) without padding, as Ford's B2C tenant checks it. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'utf8').digest('base64url');
}

/** A 128-character verifier like marq24's `token_urlsafe(96)`. */
export function createCodeVerifier(): string {
  return randomBase64url(96);
}
