import type { AxiosResponse } from 'axios';
import { fixture } from '@trustsync/testing';
import { toConnectorError } from '../core';
import { classifyZscalerError, zscalerRateLimitInfo } from './client';

interface Recorded {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

function response(status: number, data: unknown, headers: Record<string, string> = {}): AxiosResponse {
  return { status, data, headers, statusText: '', config: { method: 'get', url: '/users', headers: {} } } as unknown as AxiosResponse;
}

const errorOf = (res: AxiosResponse) => toConnectorError({ isAxiosError: true, response: res, config: res.config }, { vendor: 'zscaler', classifyError: classifyZscalerError, rateLimitInfo: zscalerRateLimitInfo });

describe('Zscaler error bodies', () => {
  const recorded = (file: string): AxiosResponse => {
    const r = fixture<Recorded>('zscaler', file);
    return response(r.status ?? 0, r.body, r.headers);
  };

  it.each([
    ['zia_auth_failed_401.json', () => response(401, fixture('zscaler', 'zia_auth_failed_401.json')), 'auth'],
    ['zia_session_not_valid_401.json', () => response(401, fixture('zscaler', 'zia_session_not_valid_401.json')), 'auth'],
    ['zia_edit_lock_409.json', () => response(409, fixture('zscaler', 'zia_edit_lock_409.json')), 'transient'],
    ['zia_429_legacy.json', () => recorded('zia_429_legacy.json'), 'rate_limited'],
    ['zpa_429.json', () => recorded('zpa_429.json'), 'rate_limited'],
    ['oneapi_401.json', () => response(401, fixture('zscaler', 'oneapi_401.json')), 'auth'],
    ['zcc_force_remove_devices_error_400.json', () => response(400, fixture('zscaler', 'zcc_force_remove_devices_error_400.json')), 'rejected'],
    ['a 401 "Resource Access Blocked"', () => response(401, { message: 'Resource Access Blocked' }), 'auth'],
    ['a 503 without a body', () => response(503, ''), 'transient'],
  ])('maps %s to %s', (_name, res, kind) => {
    expect(errorOf(res()).kind).toBe(kind);
  });
});

describe('zscalerRateLimitInfo', () => {
  it.each([
    ['"0 seconds" (legacy ZIA)', { 'Retry-After': '0 seconds' }, 1000],
    ['"1" (OneAPI)', { 'retry-after': '1' }, 1000],
    ['"13s" (ZPA)', { 'retry-after': '13s' }, 13_000],
    ['an HTTP date 30 s ahead', { 'retry-after': new Date(Date.now() + 30_000).toUTCString() }, 30_000],
    ['"4s" with a later x-ratelimit-reset of 48', { 'retry-after': '4s', 'x-ratelimit-reset': '48' }, 48_000],
  ])('reads a Retry-After of %s as a wait of about %i ms', (_name, headers, expectedMs) => {
    const wait = zscalerRateLimitInfo(response(429, {}, headers)).retryAfterMs!;
    expect(Math.abs(wait - expectedMs)).toBeLessThan(1000);
  });

  it('falls back to the Retry-After in the ZIA body when the header is missing', () => {
    expect(zscalerRateLimitInfo(response(429, { 'Retry-After': '7 seconds' })).retryAfterMs).toBe(7000);
  });

  it('reads the OneAPI budget headers on a success', () => {
    const info = zscalerRateLimitInfo(response(200, [], { 'x-ratelimit-limit': '5000, 5000;w=60', 'x-ratelimit-remaining': '4932' }));
    expect([info.limit, info.remaining, info.retryAfterMs]).toEqual([5000, 4932, undefined]);
  });
});
