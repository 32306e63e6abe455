import type { StoredEvent } from '@trustsync/db';
import type { EffectInterpreter, EventEffect } from './event-effect';

// What the pull would store after each lifecycle event, so a webhook and the next pull agree.
const USER_LIFECYCLE: Record<string, { active: boolean; vendorStatus: string }> = {
  'user.lifecycle.activate': { active: true, vendorStatus: 'ACTIVE' },
  'user.lifecycle.reactivate': { active: true, vendorStatus: 'ACTIVE' },
  'user.lifecycle.unsuspend': { active: true, vendorStatus: 'ACTIVE' },
  'user.account.unlock': { active: true, vendorStatus: 'ACTIVE' },
  'user.lifecycle.suspend': { active: false, vendorStatus: 'SUSPENDED' },
  'user.lifecycle.deactivate': { active: false, vendorStatus: 'DEPROVISIONED' },
  'user.account.lock': { active: true, vendorStatus: 'LOCKED_OUT' },
};

const DEVICE_LIFECYCLE: Record<string, { status: string; oktaStatus: string }> = {
  'device.lifecycle.activate': { status: 'active', oktaStatus: 'active' },
  'device.lifecycle.unsuspend': { status: 'active', oktaStatus: 'active' },
  'device.lifecycle.suspend': { status: 'active', oktaStatus: 'suspended' },
  'device.lifecycle.deactivate': { status: 'retired', oktaStatus: 'deactivated' },
  'device.lifecycle.delete': { status: 'removed', oktaStatus: 'deleted' },
};

const PULL_USERS = new Set(['user.lifecycle.create', 'user.account.update_profile', 'user.import.sync']);
const PULL_DEVICES = new Set(['device.lifecycle.create', 'device.enrollment.create', 'device.user.add', 'device.user.remove']);

function retag(tags: unknown, status: string): string[] {
  const kept = Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string' && !t.startsWith('okta:status:')) : [];
  return [...kept, `okta:status:${status}`];
}

/** Okta event hooks: user and device lifecycle change known entities; creations and profile edits pull. */
export const oktaEffects: EffectInterpreter = (event: StoredEvent): EventEffect => {
  const type = event.eventType;
  const id = event.sourceEntityId;
  const user = USER_LIFECYCLE[type];
  if (user && event.sourceEntityType === 'user' && id) {
    return { kind: 'patch', entity: 'user', externalId: id, change: (known) => ({ ...known, active: user.active, vendorStatus: user.vendorStatus }) };
  }
  const device = DEVICE_LIFECYCLE[type];
  if (device && event.sourceEntityType === 'device' && id) {
    return { kind: 'patch', entity: 'device', externalId: id, change: (known) => ({ ...known, status: device.status, tags: retag(known.tags, device.oktaStatus) }) };
  }
  if (PULL_USERS.has(type)) return { kind: 'pull', entity: 'user', reason: type };
  if (PULL_DEVICES.has(type)) return { kind: 'pull', entity: 'device', reason: type };
  return { kind: 'record', reason: `${type} changes no platform entity` };
};
