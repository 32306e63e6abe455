import { endpointFamily, readOktaRateLimit } from './rate-limit';

const headers = (h: Record<string, string>) => ({ headers: h, status: 429 });

describe('readOktaRateLimit', () => {
  it('measures the reset against the response Date header plus one second', () => {
    const now = Date.parse('2030-05-05T00:00:00Z');
    const info = readOktaRateLimit(headers({ date: 'Thu, 01 Jan 2026 00:00:30 GMT', 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '1767225660' }), now);
    expect(info.retryAfterMs).toBe(31_000);
  });

  it('takes the largest reset when duplicate headers were joined with a comma', () => {
    const now = Date.parse('2030-05-05T00:00:00Z');
    const info = readOktaRateLimit(headers({ date: 'Thu, 01 Jan 2026 00:00:30 GMT', 'x-rate-limit-reset': '1767225640, 1767225660', 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '0' }), now);
    expect(info.retryAfterMs).toBe(31_000);
  });

  it('treats limit 0 and remaining 0 as a concurrency 429 with a short jittered wait, not the suggested reset', () => {
    const info = readOktaRateLimit(headers({ date: 'Thu, 01 Jan 2026 00:00:30 GMT', 'x-rate-limit-limit': '0', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '1767225750' }), Date.now(), () => 1500);
    expect({ concurrency: info.concurrency, retryAfterMs: info.retryAfterMs }).toEqual({ concurrency: true, retryAfterMs: 1500 });
  });
});

describe('endpointFamily', () => {
  it.each([
    ['https://org.okta.com/api/v1/users?after=x', 'users'],
    ['/api/v1/users/00u1/groups', 'users/:id/groups'],
    ['/api/v1/devices/guo1/lifecycle/suspend', 'devices'],
    ['http://127.0.0.1:9/okta/api/v1/logs?since=x', 'logs'],
  ])('puts %s in the %s family', (url, family) => {
    expect(endpointFamily(url)).toBe(family);
  });
});
