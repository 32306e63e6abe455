import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '@trustsync/core';
import { toHttpError } from './error.middleware';

describe('turning errors into HTTP answers', () => {
  it.each([
    [new ValidationError('bad', [{ field: 'name', problems: ['name is required'] }]), 400, 'validation_failed'],
    [new NotFoundError('integration', 'INT-1'), 404, 'not_found'],
    [new ConflictError('taken'), 409, 'conflict'],
    [new UnavailableError('postgres down'), 503, 'unavailable'],
    [Object.assign(new Error('too large'), { type: 'entity.too.large', status: 413 }), 413, 'payload_too_large'],
    [Object.assign(new Error('bad json'), { type: 'entity.parse.failed', status: 400 }), 400, 'invalid_json'],
    [Object.assign(new Error('gzip'), { type: 'encoding.unsupported', status: 415 }), 415, 'unsupported_media_type'],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), 503, 'unavailable'],
    [new Error('timeout exceeded when trying to connect'), 503, 'unavailable'],
    [Object.assign(new Error('query failed'), { driverError: { code: '57P01' } }), 503, 'unavailable'],
    [Object.assign(new Error('invalid byte sequence'), { code: '22021' }), 400, 'invalid_value'],
  ])('maps %p to %i %s', (err, status, code) => {
    const answer = toHttpError(err);
    expect([answer.status, answer.body.error.code]).toEqual([status, code]);
  });

  it('answers an unexpected error as 500 internal_error without details or its message', () => {
    const answer = toHttpError(new TypeError('cannot read secret-token-abc of undefined'));
    expect(answer).toEqual({ status: 500, body: { error: { code: 'internal_error', message: 'an unexpected error occurred' } } });
  });

  it('keeps validation details as one entry per field', () => {
    const answer = toHttpError(new ValidationError('bad', [{ field: 'credentials.api_key', problems: ['api_key must be a string'] }]));
    expect(answer.body.error.details).toEqual([{ field: 'credentials.api_key', problems: ['api_key must be a string'] }]);
  });
});
