import type { IncomingMessage, ServerResponse } from 'node:http';

/** Request bodies above this are refused with 413; Ford requests are a few kB at most. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** What a route answers; the server writes it, so handlers stay synchronous and easy to test. */
export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  html?: string;
  text?: string;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): SimResponse {
  return headers ? { status, json: body, headers } : { status, json: body };
}

export function html(status: number, page: string): SimResponse {
  return { status, html: page };
}

/** Thrown by helpers to answer early with a complete response. */
export class HttpError extends Error {
  constructor(readonly response: SimResponse) {
    super(`HTTP ${response.status}`);
  }
}

export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Stop buffering but keep reading, so the 413 can be delivered on a drained connection.
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => (size > limit ? reject(new BodyTooLargeError()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

export type JsonBody = { ok: true; value: unknown } | { ok: false };

export function parseJson(body: Buffer): JsonBody {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

export function parseForm(body: Buffer): URLSearchParams {
  return new URLSearchParams(body.toString('utf8'));
}

/** First value of a request header (Node joins or lists repeated ones). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header(req, 'authorization') ?? '');
  return match?.[1];
}

export function writeResponse(res: ServerResponse, response: SimResponse): void {
  if (res.headersSent || res.destroyed) return;
  let payload = '';
  let contentType = 'text/plain; charset=utf-8';
  if (response.html !== undefined) {
    payload = response.html;
    contentType = 'text/html; charset=utf-8';
  } else if (response.text !== undefined) {
    payload = response.text;
  } else if (response.json !== undefined) {
    payload = JSON.stringify(response.json);
    contentType = 'application/json; charset=utf-8';
  }
  res.statusCode = response.status;
  res.setHeader('content-type', contentType);
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  res.setHeader('content-length', Buffer.byteLength(payload));
  res.end(payload);
}
