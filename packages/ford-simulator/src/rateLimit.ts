import { json, type SimResponse } from './http.ts';

/**
 * How the simulator answers a request over the account's budget. Ford's own 429 is not known from any
 * public source (no client handles one, none logs its body or headers), so every part is an assumption
 * a test can change: whether `Retry-After` is sent, which value it carries, and the body.
 */
export interface RateLimitShape {
  /**
   * `'window'` (default): seconds until the budget window resets (simulated UTC midnight);
   * a number: always that many seconds; `'none'`: no `Retry-After` header at all.
   */
  retryAfter: 'window' | 'none' | number;
  /** Upper bound on the `Retry-After` value (seconds); none by default. */
  retryAfterCapSeconds: number | undefined;
  /** `'simulator'` (default): `{ error, message, retryAfterSeconds }`; `'none'`: an empty body; or this JSON. */
  body: 'simulator' | 'none' | Record<string, unknown>;
}

export const DEFAULT_RATE_LIMIT: RateLimitShape = {
  retryAfter: 'window',
  retryAfterCapSeconds: undefined,
  body: 'simulator',
};

export function resolveRateLimit(input: Partial<RateLimitShape> | undefined): RateLimitShape {
  const shape = { ...DEFAULT_RATE_LIMIT, ...input };
  const { retryAfter, retryAfterCapSeconds: cap } = shape;
  if (typeof retryAfter === 'number' && !(Number.isFinite(retryAfter) && retryAfter >= 0)) {
    throw new RangeError('rateLimit.retryAfter must be a non-negative number, "window" or "none"');
  }
  if (cap !== undefined && !(Number.isFinite(cap) && cap >= 0)) {
    throw new RangeError('rateLimit.retryAfterCapSeconds must be a non-negative number');
  }
  return shape;
}

/** The 429 for an account over its budget; `windowSeconds` is the time left until the window resets. */
export function rateLimitResponse(shape: RateLimitShape, limit: number, windowSeconds: number): SimResponse {
  let seconds: number | undefined =
    shape.retryAfter === 'window'
      ? windowSeconds
      : shape.retryAfter === 'none'
        ? undefined
        : shape.retryAfter;
  if (seconds !== undefined && shape.retryAfterCapSeconds !== undefined) {
    seconds = Math.min(seconds, shape.retryAfterCapSeconds);
  }
  if (seconds !== undefined) seconds = Math.ceil(seconds);
  const headers: Record<string, string> = seconds === undefined ? {} : { 'retry-after': String(seconds) };
  if (shape.body === 'none') return { status: 429, text: '', headers };
  const body =
    shape.body === 'simulator'
      ? {
          error: 'TOO_MANY_REQUESTS',
          message: `Request budget of ${limit} per day exceeded for this account`,
          ...(seconds === undefined ? {} : { retryAfterSeconds: seconds }),
        }
      : shape.body;
  return json(429, body, headers);
}
