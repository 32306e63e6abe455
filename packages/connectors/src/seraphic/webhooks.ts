import type { EntityType } from '@trustsync/model';
import { headerValue, hmac, safeEqual, type ParsedWebhookEvent, type WebhookScheme } from '../core';
import { dlpExternalId, seraphicSeverity } from './mappers';

/** The proposed webhook body (no public source). */
export interface SeraphicWebhookBody {
  eventId: string;
  eventType: string;
  occurredAt?: string;
  tenantId?: string;
  data?: Record<string, unknown>;
}

function setting(settings: Record<string, unknown>, key: string, fallback: string): string {
  const v = settings[key];
  return typeof v === 'string' && v ? v.toLowerCase() : fallback;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v ? v : null;
}

const CATEGORY: Record<string, { category: ParsedWebhookEvent['category']; entity: EntityType | null }> = {
  'threat.detected': { category: 'detection', entity: 'detection' },
  'dlp.violation': { category: 'dlp', entity: 'detection' },
  'endpoint.offline': { category: 'device', entity: 'device' },
  'policy.violation': { category: 'policy', entity: 'device' },
};

function sourceId(type: string, data: Record<string, unknown>): string | null {
  if (type === 'threat.detected') return str(data.detectionId);
  if (type === 'dlp.violation') return str(data.violationId) ? dlpExternalId(String(data.violationId)) : null;
  return str(data.endpointId);
}

/**
 * The proposed Seraphic scheme: `X-Seraphic-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + rawBody)>`
 * with `X-Seraphic-Timestamp` in unix seconds, checked against the raw bytes within a tolerance.
 */
export const webhooks: WebhookScheme = {
  verify(delivery, secret, settings, now) {
    if (!secret) return { ok: false, reason: 'no webhook secret configured' };
    const sigHeader = setting(settings, 'webhookSignatureHeader', 'x-seraphic-signature');
    const tsHeader = setting(settings, 'webhookTimestampHeader', 'x-seraphic-timestamp');
    const toleranceSeconds = typeof settings.webhookToleranceSeconds === 'number' ? settings.webhookToleranceSeconds : 300;
    const signature = headerValue(delivery.headers, sigHeader);
    const timestamp = headerValue(delivery.headers, tsHeader);
    if (!signature || !timestamp) return { ok: false, reason: `missing ${!signature ? sigHeader : tsHeader} header` };
    if (!/^\d{9,11}$/.test(timestamp)) return { ok: false, reason: 'timestamp is not unix seconds' };
    if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return { ok: false, reason: `timestamp outside the ${toleranceSeconds} s tolerance` };
    const expected = hmac('sha256', secret, Buffer.concat([Buffer.from(`${timestamp}.`), delivery.rawBody]));
    const given = signature.startsWith('sha256=') ? signature.slice(7) : signature;
    return safeEqual(given.toLowerCase(), expected) ? { ok: true } : { ok: false, reason: 'signature does not match' };
  },

  parse(body) {
    const items = Array.isArray(body) ? body : [body];
    return items.map((item) => {
      const b = item as SeraphicWebhookBody;
      if (!b || typeof b !== 'object' || typeof b.eventId !== 'string' || typeof b.eventType !== 'string') throw new Error('not a Seraphic webhook body ({eventId, eventType, data})');
      const data = b.data && typeof b.data === 'object' ? b.data : {};
      const known = CATEGORY[b.eventType];
      return {
        externalEventId: b.eventId,
        eventType: b.eventType,
        category: known?.category ?? 'other',
        sourceEntityType: known?.entity ?? null,
        sourceEntityId: known ? sourceId(b.eventType, data) : null,
        severity: typeof data.severity === 'string' ? seraphicSeverity(data.severity) : null,
        eventTime: str(b.occurredAt),
        payload: b,
      };
    });
  },
};
