import type { Response } from 'express';
import type { SandboxVendorFactory } from '../../sandbox-vendor';
import { Traffic } from '../../traffic';
import { seraphicAdminRouter } from './admin.router';
import { seraphicApiRouter } from './api.router';
import { SeraphicTenant } from './tenant';

/** The API key the simulator accepts unless the seed names another. */
export const DEFAULT_SERAPHIC_API_KEY = 'sandbox-seraphic-key';

// The proposed 429: Retry-After in seconds plus X-RateLimit-* (no public source).
function sendSeraphic429(res: Response, retryAfterMs: number, retryAfterRaw?: string): void {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  res.status(429).set({ 'Retry-After': retryAfterRaw ?? String(seconds), 'X-RateLimit-Limit': '120', 'X-RateLimit-Remaining': '0' }).json({ error: 'rate_limited', message: 'Too many requests' });
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/**
 * The Seraphic simulator of the proposed API at `/seraphic` (REST under `/api/v1`, the Sentinel
 * feed at `/integrations/sentinel/feed`). Seed options: `apiKey`, `apiKeyHeader` (default
 * `x-api-key`), `detections`, `dlpViolations`, `spacingMs` (time between generated detections).
 */
export const seraphicSandbox: SandboxVendorFactory = (seed) => {
  const apiKey = typeof seed.apiKey === 'string' ? seed.apiKey : DEFAULT_SERAPHIC_API_KEY;
  const header = (typeof seed.apiKeyHeader === 'string' ? seed.apiKeyHeader : 'x-api-key').toLowerCase();
  const tenant = new SeraphicTenant({
    fleet: seed.fleet,
    people: seed.people,
    devices: seed.devices,
    deviceOffset: seed.deviceOffset ?? 0,
    detections: num(seed.detections, Math.ceil(seed.devices / 4)),
    dlpViolations: num(seed.dlpViolations, Math.ceil(seed.devices / 10)),
    anchorMs: seed.fleet.anchorMs,
    spacingMs: num(seed.spacingMs, 60_000),
  });
  return {
    name: 'seraphic',
    traffic: new Traffic(sendSeraphic429),
    router: () => seraphicApiRouter(tenant, { header, apiKey }),
    admin: () => seraphicAdminRouter(tenant),
    describe: () => ({
      endpoints: tenant.opts.devices,
      users: tenant.opts.people,
      policies: 4,
      detections: tenant.opts.detections,
      dlpViolations: tenant.opts.dlpViolations,
      detectionsSpanMs: tenant.opts.detections * tenant.opts.spacingMs,
      credentials: { apiKey, apiKeyHeader: header },
      eventsUrl: '/seraphic/integrations/sentinel/feed',
      proposedContract: 'no public source: shapes follow the vendor notes, section 3.2',
    }),
  };
};
