import { calculatePKCECodeChallenge, generateRandomCodeVerifier } from 'oauth4webapi';

/**
 * PKCE (RFC 7636, S256) through oauth4webapi. The verifier is made once per flow and kept in the flow
 * context: a new one on an error re-display would no longer match the code the user already got.
 */
export function newCodeVerifier(): string {
  return generateRandomCodeVerifier();
}

export function codeChallenge(verifier: string): Promise<string> {
  return calculatePKCECodeChallenge(verifier);
}
