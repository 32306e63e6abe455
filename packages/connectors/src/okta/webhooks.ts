import type { EntityType } from '@trustsync/model';
import { safeEqual, type ParsedWebhookEvent, type WebhookDelivery, type WebhookScheme } from '../core';
import { oktaSeverity } from './mappers';
import type { OktaLogEvent } from './okta-types';

const CHALLENGE_HEADER = 'x-okta-verification-challenge';

function header(delivery: WebhookDelivery, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(delivery.headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function headerName(settings: Record<string, unknown>): string {
  return typeof settings.webhookHeaderName === 'string' ? settings.webhookHeaderName : 'authorization';
}

function category(eventType: string): ParsedWebhookEvent['category'] {
  if (/^user\.(session|authentication|mfa)|^user\.account\.lock/.test(eventType)) return 'auth';
  if (eventType.startsWith('user.') || eventType.startsWith('group.')) return 'user';
  if (eventType.startsWith('device.')) return 'device';
  if (eventType.startsWith('policy.')) return 'policy';
  if (eventType.startsWith('security.') || eventType === 'user.risk.change') return 'detection';
  return 'other';
}

const TARGET_ENTITY: Record<string, EntityType> = { User: 'user', Device: 'device', PolicyEntity: 'policy', PolicyRule: 'policy' };

function isLogEvent(e: unknown): e is OktaLogEvent {
  const x = e as Partial<OktaLogEvent> | null;
  return !!x && typeof x.uuid === 'string' && typeof x.eventType === 'string' && typeof x.published === 'string';
}

/**
 * Okta event hooks: no HMAC exists, so a delivery is authentic when the configured header holds
 * the exact secret (compared in constant time). Okta sends no timestamp header to bound replays;
 * duplicates are absorbed by the event `uuid`.
 */
export const oktaWebhooks: WebhookScheme = {
  verify(delivery, secret, settings) {
    const got = header(delivery, headerName(settings));
    if (!got) return { ok: false, reason: 'missing event hook secret header' };
    return safeEqual(got, secret) ? { ok: true } : { ok: false, reason: 'event hook secret does not match' };
  },

  challenge(delivery, secret, settings) {
    if (delivery.method.toUpperCase() !== 'GET') return undefined;
    const value = header(delivery, CHALLENGE_HEADER);
    if (!value) return undefined;
    const got = header(delivery, headerName(settings));
    if (!got || !safeEqual(got, secret)) return { status: 401, body: { error: 'event hook secret does not match' } };
    return { status: 200, body: { verification: value } };
  },

  parse(body) {
    const b = body as { eventType?: string; data?: { events?: unknown[] } } | null;
    if (!b || b.eventType !== 'com.okta.event_hook' || !Array.isArray(b.data?.events)) throw new Error('not an Okta event hook delivery');
    return b.data.events.filter(isLogEvent).map((e): ParsedWebhookEvent => {
      const target = e.target?.find((t) => t.type && TARGET_ENTITY[t.type]);
      return {
        externalEventId: e.uuid,
        eventType: e.eventType,
        category: category(e.eventType),
        sourceEntityType: target?.type ? TARGET_ENTITY[target.type] : null,
        sourceEntityId: target?.id ?? null,
        severity: oktaSeverity(e.severity, e.outcome?.result),
        eventTime: e.published,
        payload: e,
      };
    });
  },
};
