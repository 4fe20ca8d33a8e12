import {
  FlowError,
  InvalidInput,
  TooManyFlows,
  UnknownEntry,
  UnknownFlow,
  UnknownHandler,
  UnsupportedSource,
} from '@configflow/core';
import { HTTPException } from 'hono/http-exception';
import { HttpError } from './httpError.ts';

export interface ErrorBody {
  error: string;
  message: string;
  [key: string]: unknown;
}

/**
 * Maps a thrown error to a status and a JSON body. Only errors thrown on purpose (typed flow errors,
 * `HttpError`) are described to the client; anything else is a generic 500, so no stack, path or
 * secret-bearing message ever leaves the process.
 */
export function errorResponse(error: unknown): { status: number; body: ErrorBody; expected: boolean } {
  if (error instanceof HttpError) {
    return {
      status: error.status,
      body: { error: error.code, message: error.message, ...error.extra },
      expected: true,
    };
  }
  if (error instanceof TooManyFlows) {
    return { status: 429, body: { error: error.code, message: error.message }, expected: true };
  }
  // Thrown by hono's own middleware; its CSRF check is the only one mounted that throws.
  if (error instanceof HTTPException && error.status === 403) {
    return {
      status: 403,
      body: { error: 'cross_site_request', message: 'Requests from other sites are refused' },
      expected: true,
    };
  }
  if (error instanceof InvalidInput) {
    return {
      status: 400,
      body: { error: error.code, message: 'The input does not match the form', errors: error.errors },
      expected: true,
    };
  }
  if (error instanceof UnknownFlow || error instanceof UnknownEntry || error instanceof UnknownHandler) {
    return { status: 404, body: { error: error.code, message: error.message }, expected: true };
  }
  if (error instanceof UnsupportedSource || error instanceof FlowError) {
    return { status: 400, body: { error: error.code, message: error.message }, expected: true };
  }
  return {
    status: 500,
    body: { error: 'internal_error', message: 'Internal server error' },
    expected: false,
  };
}
