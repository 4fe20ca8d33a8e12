import type { Context } from 'hono';
import { HttpError } from './httpError.ts';

/**
 * The request's JSON body, or `undefined` when it has none. A body must be declared as JSON: that
 * makes a cross-site form post (which cannot send `application/json` without a CORS preflight this
 * server never grants) fail instead of driving a flow.
 */
export async function jsonBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type');
  const text = await c.req.text();
  if (type !== undefined && !/^application\/(.+\+)?json\s*(;|$)/i.test(type)) {
    throw new HttpError(415, 'unsupported_media_type', 'Send JSON with "Content-Type: application/json"');
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? `: ${error.message}` : '';
    throw new HttpError(400, 'invalid_json', `The request body is not valid JSON${detail}`);
  }
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
