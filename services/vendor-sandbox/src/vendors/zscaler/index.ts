import type { Response } from 'express';
import type { SandboxVendorFactory } from '../../sandbox-vendor';
import { Traffic } from '../../traffic';
import { zscalerAdminRouter } from './admin.router';
import { zscalerApiRouter, type ZscalerFaults } from './api.router';
import { ZscalerAuth } from './auth';
import { DEFAULT_ZSCALER_CREDENTIALS, ZscalerTenant, type ZscalerSandboxCredentials } from './tenant';

export { DEFAULT_ZSCALER_CREDENTIALS } from './tenant';

/** Each Zscaler API says "too many requests" its own way; the path tells which one answered. */
function sendZscaler429(res: Response, retryAfterMs: number, retryAfterRaw?: string): void {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const path = res.req.originalUrl;
  if (/\/(mgmtconfig|signin)/.test(path)) {
    res.status(429).set('retry-after', retryAfterRaw ?? `${seconds}s`).json({ exception: 'invalid.toomanyrequests', id: 'invalid.toomanyrequests', reason: 'Exceeded the number of requests allowed.' });
  } else if (/^\/zscaler\/(zia|zpa|zcc)\//.test(path)) {
    res.status(429).set({ 'retry-after': retryAfterRaw ?? String(seconds), 'x-ratelimit-limit': '5000, 5000;w=60', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(seconds) }).json({ message: 'Too Many Requests' });
  } else if (path.includes('/papi/')) {
    res.status(429).set({ 'retry-after': retryAfterRaw ?? String(seconds), 'X-Rate-Limit-Remaining': '0' }).json({ errorMsg: 'Rate limit exceeded' });
  } else {
    const wait = retryAfterRaw ?? `${seconds} seconds`;
    res.status(429).set('Retry-After', wait).json({ message: 'Rate Limit (1/SECOND) exceeded', 'Retry-After': wait });
  }
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/**
 * The Zscaler simulator: legacy ZIA (obfuscated key, JSESSIONID, idle timeout, staged changes and
 * activation), legacy ZPA and ZCC, and the OneAPI gateway with a ZIdentity token endpoint, at
 * `/zscaler`. Seed options: `users` (default: people), `segments`, `accessRules`, `urlRules`,
 * `firewallRules` (at least 1: ZIA's default rule), `sessionIdleMs`, `tokenLifetimeSeconds`,
 * `zpaTotalPagesAs`, `credentials`.
 */
export const zscalerSandbox: SandboxVendorFactory = (seed) => {
  const creds: ZscalerSandboxCredentials = { ...DEFAULT_ZSCALER_CREDENTIALS, ...((seed.credentials as Partial<ZscalerSandboxCredentials> | undefined) ?? {}) };
  const tenant = new ZscalerTenant({
    fleet: seed.fleet,
    people: num(seed.users, seed.people),
    devices: seed.devices,
    deviceOffset: seed.deviceOffset ?? 0,
    segments: num(seed.segments, 1200),
    accessRules: num(seed.accessRules, 650),
    urlRules: num(seed.urlRules, 12),
    firewallRules: Math.max(1, num(seed.firewallRules, 9)),
  });
  const auth = new ZscalerAuth(creds, num(seed.sessionIdleMs, 300_000), num(seed.tokenLifetimeSeconds, 3600));
  const faults: ZscalerFaults = { editLock: 0, activationInProgressPolls: 0, zpaTotalPagesAs: seed.zpaTotalPagesAs === 'number' ? 'number' : 'string', zpaTotalCountZero: false };
  return {
    name: 'zscaler',
    traffic: new Traffic(sendZscaler429),
    router: () => zscalerApiRouter(tenant, auth, faults),
    admin: () => zscalerAdminRouter(tenant, auth, faults),
    describe: () => ({
      users: tenant.userCount,
      groups: tenant.groups.length,
      departments: tenant.departments.length,
      urlFilteringRules: tenant.opts.urlRules,
      firewallFilteringRules: tenant.opts.firewallRules,
      devices: tenant.opts.devices,
      zpaApplicationSegments: tenant.opts.segments,
      zpaAccessRules: tenant.opts.accessRules,
      credentials: creds,
      legacy: { ziaEndpoint: '/zscaler', zpaBaseUrl: '/zscaler', zccBaseUrl: '/zscaler' },
      oneapi: { endpoint: '/zscaler', tokenUrl: '/zscaler/oauth2/v1/token' },
    }),
  };
};
