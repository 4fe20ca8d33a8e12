import { REDIRECT_URIS } from './authorizeUrl.ts';
import type { Brand } from './regions.ts';

/** Error keys for a paste that cannot be a complete redirect URL; each tells the user what to fix. */
export type PasteError =
  | 'url_ellipsis'
  | 'url_wrong_scheme'
  | 'url_missing_code'
  | 'code_truncated'
  | 'url_pasted_twice';

export type PasteResult = { ok: true; code: string } | { ok: false; error: PasteError };

/**
 * B2C codes are compact JWEs of about 1,000-1,300 characters. Anything far shorter was cut off while
 * copying; catching it here saves a round trip that would only answer AADB2C90090.
 */
export const MIN_CODE_LENGTH = 500;
const JWE_SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * Checks what the user pasted from the browser (`fordapp://userauthorized/?code=…`) before any request
 * is made. Whitespace anywhere is dropped: a code wrapped over lines in DevTools is still one code.
 */
export function parsePastedRedirect(raw: string, brand: Brand): PasteResult {
  const text = raw.replace(/\s+/g, '');
  // Browsers shorten long URLs for display with "…"; the copy then lacks the middle of the code.
  if (text.includes('…') || text.includes('...')) return { ok: false, error: 'url_ellipsis' };
  const expected = `${REDIRECT_URIS[brand]}`;
  const scheme = `${expected.split(':')[0]}://`;
  if (!text.toLowerCase().startsWith(scheme)) {
    return { ok: false, error: 'url_wrong_scheme' };
  }
  // The same address pasted twice (a paste on top of a paste) is the address; two different ones are not.
  // (The scheme is letters, ':' and '/': nothing a RegExp would read as syntax.)
  const copies = text.split(new RegExp(`(?=${scheme})`, 'i'));
  if (copies.length > 1) {
    if (copies.some((c) => c !== copies[0])) return { ok: false, error: 'url_pasted_twice' };
    return parsePastedRedirect(copies[0]!, brand);
  }
  let code: string | null;
  try {
    code = new URL(text).searchParams.get('code');
  } catch {
    return { ok: false, error: 'url_missing_code' };
  }
  if (!code) return { ok: false, error: 'url_missing_code' };
  const segments = code.split('.');
  if (segments.length !== 5 || !segments.every((s) => JWE_SEGMENT.test(s)) || code.length < MIN_CODE_LENGTH) {
    return { ok: false, error: 'code_truncated' };
  }
  return { ok: true, code };
}
