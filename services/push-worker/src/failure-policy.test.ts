import { ConnectorError } from '@trustsync/connectors';
import { decideFailure } from './failure-policy';

const NOW = Date.parse('2026-12-10T12:00:00Z');

describe('decideFailure', () => {
  it.each<[string, unknown, number, string]>([
    ['a 429 with a retry time', new ConnectorError('rate_limited', 'okta', 'slow down', { retryAt: new Date(NOW + 5000) }), 0, 'delay'],
    ['a rejected body', new ConnectorError('rejected', 'seraphic', 'bad'), 0, 'fail'],
    ['a device the vendor does not know', new ConnectorError('not_found', 'zscaler', 'gone'), 0, 'fail'],
    ['expired credentials', new ConnectorError('auth', 'okta', 'no'), 0, 'fail'],
    ['a 503 on the first attempt', new ConnectorError('transient', 'zscaler', 'down'), 0, 'retry'],
    ['a network error on the last attempt', new Error('ECONNRESET'), 7, 'fail'],
  ])('turns %s into %s', (_name, err, attemptsMade, expected) => {
    expect(decideFailure(err, attemptsMade, 8, NOW).action).toBe(expected);
  });

  it('waits until the vendor says', () => {
    const decision = decideFailure(new ConnectorError('rate_limited', 'okta', 'slow down', { retryAt: new Date(NOW + 5000) }), 0, 8, NOW);
    expect(decision).toEqual({ action: 'delay', until: new Date(NOW + 5000) });
  });

  it('fails a last transient attempt as retryable later, not permanent', () => {
    expect(decideFailure(new ConnectorError('transient', 'okta', 'down'), 7, 8, NOW)).toMatchObject({ action: 'fail', permanent: false });
  });
});
