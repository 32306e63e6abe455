import { AppError } from '@trustsync/core';

/** A request the API refuses for a reason of HTTP itself (a route that does not exist, a body of the wrong type). */
export class HttpInputError extends AppError {
  constructor(code: 'route_not_found' | 'unsupported_media_type' | 'payload_too_large' | 'invalid_json' | 'bad_request', message: string) {
    super(code, message);
  }
}
