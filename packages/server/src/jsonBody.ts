import type { Context } from 'hono';
import { HttpError } from './httpError.ts';

/** Deeper request bodies are refused: no flow needs them, and serialising one overflows the stack. */
export const MAX_BODY_DEPTH = 32;

/**
 * The request's JSON body, or `undefined` when it has none. A body must be declared as JSON, with
 * `Content-Type: application/json`: a cross-site page can send a body without a CORS preflight only as
 * a form, `text/plain` or with no type at all (a `no-cors` fetch of a Blob, `sendBeacon`), and every one
 * of those is refused here instead of driving a flow.
 */
export async function jsonBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type');
  const text = await c.req.text();
  const declared = type !== undefined && /^application\/(.+\+)?json\s*(;|$)/i.test(type);
  if (!declared && (type !== undefined || text !== '')) {
    throw new HttpError(415, 'unsupported_media_type', 'Send JSON with "Content-Type: application/json"');
  }
  if (text.trim() === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? `: ${error.message}` : '';
    throw new HttpError(400, 'invalid_json', `The request body is not valid JSON${detail}`);
  }
  if (depthOver(body, MAX_BODY_DEPTH)) {
    throw new HttpError(400, 'too_deep', `The request body is nested deeper than ${MAX_BODY_DEPTH} levels`);
  }
  return body;
}

/** Whether a parsed JSON value nests arrays/objects deeper than `max` (iterative: no stack to overflow). */
export function depthOver(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const inner of Object.values(v)) stack.push([inner, depth + 1]);
  }
  return false;
}

/** The body as a JSON object (`{}` when empty); anything else is a 400. */
export async function jsonObject(c: Context): Promise<Record<string, unknown>> {
  const body = await jsonBody(c);
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'invalid_body', 'The request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}
