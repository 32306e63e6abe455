import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, type Logger } from '@trustsync/core';
import { HttpInputError } from './api-error';

/** The one error body shape the API answers with. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const STATUS_BY_CODE: Record<string, number> = {
  validation_failed: 400,
  invalid_json: 400,
  invalid_value: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  route_not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
};

// Network failures reaching Postgres or Redis, and Postgres' own "cannot serve now" SQLSTATEs.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08006']);
const UNAVAILABLE_MESSAGE = /connection terminated|timeout exceeded when trying to connect|Connection is closed|enableOfflineQueue|Reached the max retries per request|Cannot use a pool after calling end/i;

interface LowLevelError {
  type?: string;
  status?: number;
  code?: string;
  message?: string;
  name?: string;
  driverError?: LowLevelError;
}

function fromBodyParser(err: LowLevelError): HttpInputError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new HttpInputError('payload_too_large', 'the request body is larger than the limit');
    case 'entity.parse.failed':
      return new HttpInputError('invalid_json', 'the request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpInputError('unsupported_media_type', 'the request body encoding or charset is not supported');
    default:
      if (err.type && err.status && err.status < 500) return new HttpInputError('bad_request', 'the request body could not be read');
      // express refuses a path whose parameters are not valid percent-encoding (URIError, status 400).
      if (err.name === 'URIError' || (err.status && err.status >= 400 && err.status < 500)) return new HttpInputError('bad_request', 'the request could not be read (malformed URL encoding or headers)');
      return undefined;
  }
}

function isUnavailable(err: LowLevelError): boolean {
  const low = err.driverError ?? err;
  return (
    (low.code !== undefined && UNAVAILABLE_CODES.has(low.code)) ||
    low.name === 'MaxRetriesPerRequestError' ||
    UNAVAILABLE_MESSAGE.test(low.message ?? '')
  );
}

/** Maps any thrown value to a status and a body that reveals nothing internal. */
export function toHttpError(err: unknown): { status: number; body: ErrorBody } {
  const low = (err ?? {}) as LowLevelError;
  const known = err instanceof AppError ? err : fromBodyParser(low);
  if (known && STATUS_BY_CODE[known.code]) {
    const body: ErrorBody = { error: { code: known.code, message: known.message } };
    if (known.details !== undefined) body.error.details = known.details;
    return { status: STATUS_BY_CODE[known.code], body };
  }
  if (isUnavailable(low)) {
    return { status: 503, body: { error: { code: 'unavailable', message: 'a backing service is unavailable; try again shortly' } } };
  }
  const sqlState = low.driverError?.code ?? low.code;
  // Values Postgres refuses to store (a NUL byte, an out-of-range number) are the client's input.
  if (typeof sqlState === 'string' && /^22[0-9A-Z]{3}$/.test(sqlState)) {
    return { status: 400, body: { error: { code: 'invalid_value', message: 'a value in the request cannot be stored' } } };
  }
  if (sqlState === '23505') {
    return { status: 409, body: { error: { code: 'conflict', message: 'the request conflicts with an existing record' } } };
  }
  return { status: 500, body: { error: { code: 'internal_error', message: 'an unexpected error occurred' } } };
}

/** Turns every error into the API's error body; unexpected ones are logged (redacted) first. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const { status, body } = toHttpError(err);
    if (status >= 500) logger.log(status === 503 ? 'warn' : 'error', 'request failed', { method: req.method, path: req.path, status, err });
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="trustsync"');
    res.status(status).json(body);
  };
}

/** The last handler: a path no route matched. */
export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(new HttpInputError('route_not_found', `no route for ${req.method} ${req.path}`));
};

/** For routes that need a JSON body: anything else is a 415 (generic so the route keeps its typed params). */
export function requireJsonBody<P>(): RequestHandler<P> {
  return (req, _res, next) => {
    next(req.is('application/json') ? undefined : new HttpInputError('unsupported_media_type', 'this route takes a JSON body (Content-Type: application/json)'));
  };
}

/** For routes whose body is optional: no body is fine, a body that is not JSON is a 415. */
export function optionalJsonBody<P>(): RequestHandler<P> {
  return (req, _res, next) => {
    const empty = req.headers['content-length'] === '0' && req.headers['transfer-encoding'] === undefined;
    next(!empty && req.is('application/json') === false ? new HttpInputError('unsupported_media_type', 'a body on this route must be JSON (Content-Type: application/json)') : undefined);
  };
}
