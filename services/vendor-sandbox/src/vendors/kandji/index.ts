import type { Response } from 'express';
import { hexId, uuidFor } from '../../fleet';
import type { SandboxVendorFactory } from '../../sandbox-vendor';
import { Traffic } from '../../traffic';
import { kandjiAdminRouter } from './admin.router';
import { kandjiApiRouter } from './api.router';
import { isoMicros } from './payloads';
import { KandjiTenant } from './tenant';

/** The token the simulator accepts unless the seed names another. */
export const DEFAULT_KANDJI_TOKEN = 'sandbox-kandji-token';

// Kandji's 429 body and Retry-After are undocumented; this follows the DRF throttle message.
function sendKandji429(res: Response, retryAfterMs: number, retryAfterRaw?: string): void {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  res.status(429).set('Retry-After', retryAfterRaw ?? String(seconds)).json({ detail: `Request was throttled. Expected available in ${seconds} seconds.` });
}

/**
 * The Kandji simulator. Seed options: `token` (accepted bearer token), `commandCompleteMs`
 * (how long commands stay pending, default 1000).
 */
export const kandjiSandbox: SandboxVendorFactory = (seed) => {
  const token = typeof seed.token === 'string' ? seed.token : DEFAULT_KANDJI_TOKEN;
  const tenant = new KandjiTenant({
    fleet: seed.fleet,
    devices: seed.devices,
    people: seed.people,
    deviceOffset: seed.deviceOffset ?? 0,
    commandCompleteMs: typeof seed.commandCompleteMs === 'number' ? seed.commandCompleteMs : 1000,
  });
  const traffic = new Traffic(sendKandji429);
  const actor = uuidFor(seed.fleet.seed, 'kandji-admin');
  const events: Array<Record<string, unknown>> = [];
  const audit = (action: string, targetType: string, targetId: string, newState: Record<string, unknown>): void => {
    const nowMs = Date.now();
    // ULID-like ids: time first, so `id` order is time order.
    const id = `01${nowMs.toString(32).toUpperCase().padStart(10, '0')}${hexId(14, seed.fleet.seed, 'audit', events.length).toUpperCase()}`;
    events.push({ action, actor_id: actor, actor_type: 'user', id, metadata: {}, new_state: newState, occurred_at: isoMicros(nowMs), target_component: '', target_id: targetId, target_type: targetType });
  };
  for (const b of tenant.blueprints) audit('create', 'blueprint', b.id, { description: '', name: b.name, type: b.type });

  return {
    name: 'kandji',
    traffic,
    router: () => kandjiApiRouter(tenant, { token, traffic, audit, auditEvents: () => events }),
    admin: () => kandjiAdminRouter(tenant, audit),
    describe: () => ({ devices: tenant.deviceCount, users: tenant.people, blueprints: tenant.blueprints.length, token }),
  };
};
