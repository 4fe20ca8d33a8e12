/**
 * Reads a JWT's payload without verifying it. The token came straight from Ford over TLS and is only
 * used for its `sub` (the account id) and e-mail label; Ford checks the signature whenever it is used.
 */
export function jwtClaims(token: string | undefined): Record<string, unknown> | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function stringClaim(token: string | undefined, name: string): string | undefined {
  const value = jwtClaims(token)?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
