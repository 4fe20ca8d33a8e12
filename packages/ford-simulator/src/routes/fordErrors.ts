import type { Account } from '../accounts.ts';
import { isoAt } from '../clock.ts';
import { applicationIdFor, isKnownApplicationId } from '../constants.ts';
import { header, json, type SimResponse } from '../http.ts';
import type { RequestContext } from '../route.ts';

/** Ford's foundational-API error body: `{ message, timestamp, errorCode }`. */
export function fordError(
  ctx: RequestContext,
  status: number,
  message: string,
  errorCode: string,
): SimResponse {
  return json(status, { message, timestamp: nanoIso(ctx.sim.now()), errorCode });
}

/** Ford's timestamps carry nanoseconds (`2025-06-09T07:02:44.048994479Z`, m#570). */
function nanoIso(seconds: number): string {
  return isoAt(seconds).replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/**
 * The CAT rejection that means "sign in again": errorCode "460". The refresh route answers it with
 * `refreshRejectStatus` (400 at Ford, marq24 bridge:570; 401 as the variant); the CAT mint with 401.
 */
export function invalidToken(ctx: RequestContext, status = 401): SimResponse {
  return fordError(ctx, status, 'Invalid or Expired Token', '460');
}

export function badRequest(ctx: RequestContext, message: string): SimResponse {
  return fordError(ctx, 400, message, '400');
}

/**
 * The Application-Id header: missing → 400 "Missing Application-Id header"; not one of the app's ids,
 * or (check `region`) not the id of the account's region → 400 errorCode 432 "Invalid ApplicationId"
 * (pyfordpass sansio.py:440). Undefined when the header passes.
 */
export function applicationIdProblem(
  ctx: RequestContext,
  account: Account | undefined,
): SimResponse | undefined {
  const id = header(ctx.req, 'application-id');
  if (!id) return badRequest(ctx, 'Missing Application-Id header');
  const check = ctx.sim.config.applicationIdCheck;
  if (check === 'off') return undefined;
  const invalid = () => fordError(ctx, 400, 'Invalid ApplicationId', '432');
  if (!isKnownApplicationId(id)) return invalid();
  if (check === 'region' && account) {
    const expected = applicationIdFor(account.region);
    if (expected && expected.toUpperCase() !== id.toUpperCase()) return invalid();
  }
  return undefined;
}
