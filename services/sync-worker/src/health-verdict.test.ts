import { ConnectorError } from '@trustsync/connectors';
import type { HealthContext } from '@trustsync/db';
import { ProbeTimeoutError, healthFromProbe } from './health-verdict';

const now = new Date('2026-12-04T10:30:00Z');
const calm: HealthContext = { healthStatus: 'healthy', healthReason: null, healthChangedAt: null, consecutiveFailures: 0, schedulingDisabledAt: null, schedulingDisabledReason: null, lastSyncStatus: 'completed' };
const auth401 = new ConnectorError('auth', 'okta', 'okta answered 401', { status: 401 });

describe('healthFromProbe', () => {
  it.each([
    ['a probe that answered, with no failed sync', { ok: true } as const, calm, 'healthy', null],
    ['a rejected token', { ok: false, error: auth401 } as const, calm, 'unhealthy', '401 from okta since 2026-12-04T10:30Z: token rejected (revoked, expired or wrong)'],
    ['a vendor rate limit', { ok: false, error: new ConnectorError('rate_limited', 'okta', 'okta answered 429', { status: 429 }) } as const, calm, 'degraded', '429 from okta since 2026-12-04T10:30Z: rate limited by the vendor'],
    ['no answer in time', { ok: false, error: new ProbeTimeoutError(5000) } as const, calm, 'degraded', 'timeout from okta since 2026-12-04T10:30Z: no answer in time'],
    ['an answer after three failed syncs', { ok: true } as const, { ...calm, consecutiveFailures: 3, lastSyncStatus: 'failed' }, 'degraded', 'okta answers, but the last 3 sync(s) failed (last status failed)'],
  ])('finds %s', (_label, probe, ctx, status, reason) => {
    expect(healthFromProbe(probe, ctx, 'okta', now)).toEqual({ status, reason });
  });

  it('keeps the time the integration turned unhealthy in the reason of later checks', () => {
    const since = new Date('2026-12-04T09:14:00Z');
    const finding = healthFromProbe({ ok: false, error: auth401 }, { ...calm, healthStatus: 'unhealthy', healthChangedAt: since }, 'okta', now);
    expect(finding.reason).toBe('401 from okta since 2026-12-04T09:14Z: token rejected (revoked, expired or wrong)');
  });

  it('stays unhealthy while scheduling is stopped, even when the vendor answers', () => {
    const finding = healthFromProbe({ ok: true }, { ...calm, schedulingDisabledAt: now, schedulingDisabledReason: 'scheduling disabled after 20 consecutive failed syncs; last: boom' }, 'okta', now);
    expect(finding).toEqual({ status: 'unhealthy', reason: 'scheduling disabled after 20 consecutive failed syncs; last: boom (vendor answers again: run a connection test to resume)' });
  });
});
