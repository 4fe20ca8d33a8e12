import { AuthFailed, EntryError, EntryNotReady, RateLimited } from '@configflow/core';

/*
 * Every failure the adapter reports is one of core's runtime kinds, so the entry runtime decides what
 * follows (retry, wait, reauth) and nothing here can talk itself into a reauth loop.
 */

/** Ford answered in a shape we do not understand: a code change is needed, not a sign-in. */
export class ApiChanged extends EntryError {
  override name = 'ApiChanged';
  constructor(
    readonly endpoint: string,
    detail: string,
  ) {
    super(`Ford's ${endpoint} response changed: ${detail}`, 'api_changed');
  }
}

/** 403 "NOT AUTHORIZED": the account can no longer reach this VIN. A vehicle problem, not a credential one. */
export class VehicleNotAuthorized extends EntryError {
  override name = 'VehicleNotAuthorized';
  constructor(message = 'This Ford account is not authorized for the vehicle') {
    super(message, 'vehicle_not_authorized');
  }
}

/**
 * 400 errorCode 432 "Invalid ApplicationId": the Application-Id sent is not the one of the account's
 * region. Choosing the region the account was registered in fixes it; a sign-in does not.
 */
export class ApplicationIdRejected extends EntryError {
  override name = 'ApplicationIdRejected';
  constructor(endpoint: string) {
    super(`Ford's ${endpoint} refused the region's Application-Id (errorCode 432)`, 'region_mismatch');
  }
}

/** The refresh token was rejected for good (400/401 with errorCode 460 or "Invalid or Expired Token"). */
export class TokenInvalid extends AuthFailed {
  override name = 'TokenInvalid';
}

/** No usable tokens on disk for the account: only a new sign-in helps. */
export class NoTokens extends AuthFailed {
  override name = 'NoTokens';
}

/** 5xx, timeouts, resets, DNS: Ford is having a moment. Tokens are kept. */
export class FordUnavailable extends EntryNotReady {
  override name = 'FordUnavailable';
}

/** A data request still got 401 after one refresh: Ford's 401 "wobblies" clear up by themselves. */
export class StillUnauthorized extends EntryNotReady {
  override name = 'StillUnauthorized';
}

/** 429 from Ford, or our own account budget refusing the request before it is sent. */
export class FordRateLimited extends RateLimited {
  override name = 'FordRateLimited';
}

/** A data request answered 401 (internal: the session refreshes once and retries). */
export class DataUnauthorized extends Error {
  override name = 'DataUnauthorized';
}

/** Why B2C refused the authorization code; the flow turns these into error keys. */
export type SignInProblem = 'code_truncated' | 'code_expired' | 'code_mismatch' | 'sign_in_rejected';

export class SignInRejected extends Error {
  override name = 'SignInRejected';
  constructor(
    readonly problem: SignInProblem,
    message: string,
  ) {
    super(message);
  }
}

/** Anything unexpected (a bug, a DNS failure the fetch reported oddly) is transient, never a reauth. */
export function asRuntimeError(error: unknown): Error {
  if (
    error instanceof EntryNotReady ||
    error instanceof RateLimited ||
    error instanceof AuthFailed ||
    error instanceof EntryError
  ) {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new FordUnavailable(`Unexpected failure talking to Ford: ${message}`, { cause: error });
}
