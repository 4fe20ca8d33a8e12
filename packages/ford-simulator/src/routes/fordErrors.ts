import { isoAt } from '../clock.ts';
import { json, type SimResponse } from '../http.ts';
import type { RequestContext } from '../route.ts';

/** Ford's foundational-API error body: `{ message, timestamp, errorCode }`. */
export function fordError(
  ctx: RequestContext,
  status: number,
  message: string,
  errorCode: string,
): SimResponse {
  return json(status, { message, timestamp: isoAt(ctx.sim.now()), errorCode });
}

/** The refresh/CAT rejection that means "sign in again": HTTP 401, errorCode "460". */
export function invalidToken(ctx: RequestContext): SimResponse {
  return fordError(ctx, 401, 'Invalid or Expired Token', '460');
}

export function badRequest(ctx: RequestContext, message: string): SimResponse {
  return fordError(ctx, 400, message, '400');
}
