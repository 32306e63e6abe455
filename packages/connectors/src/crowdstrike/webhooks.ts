import { hmac, safeEqual, type ParsedWebhookEvent, type WebhookDelivery, type WebhookScheme } from '../core';
import { falconSeverity } from './mappers';
import { resolveCrowdStrikeSettings } from './settings';

function header(delivery: WebhookDelivery, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(delivery.headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** A delivery timestamp as Falcon may send it: ISO-8601, or epoch seconds / milliseconds. */
export function parseDeliveryTimestamp(value: string): number | undefined {
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    return n > 1e12 ? n : n * 1000;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

// Workflow authors template the body, so a field is found by its last dotted segment wherever it sits.
function field(data: Record<string, unknown>, name: string): string | undefined {
  for (const [k, v] of Object.entries(data)) if ((k === name || k.endsWith(`.${name}`)) && v !== null && v !== undefined) return String(v);
  return undefined;
}

/**
 * Falcon Fusion "Call webhook": an HMAC-SHA256 of the raw body and the delivery timestamp.
 * The recipe (order, encoding, header names) is configurable per integration because it is only
 * [obs/unverified]; whichever is used, the compare is constant-time and stale timestamps fail.
 */
export const crowdstrikeWebhooks: WebhookScheme = {
  verify(delivery, secret, rawSettings, now) {
    const s = resolveCrowdStrikeSettings(rawSettings, null);
    const signature = header(delivery, s.webhookSignatureHeader);
    const timestamp = header(delivery, s.webhookTimestampHeader);
    if (!signature) return { ok: false, reason: 'missing signature header' };
    if (!timestamp) return { ok: false, reason: 'missing delivery timestamp header' };
    const sentMs = parseDeliveryTimestamp(timestamp);
    if (sentMs === undefined) return { ok: false, reason: 'unreadable delivery timestamp' };
    if (Math.abs(now.getTime() - sentMs) > s.webhookToleranceSeconds * 1000) return { ok: false, reason: 'stale delivery timestamp' };
    const body = delivery.rawBody;
    const ts = Buffer.from(timestamp);
    const signed = s.webhookSignedContent === 'body' ? body : s.webhookSignedContent === 'body_timestamp' ? Buffer.concat([body, ts]) : Buffer.concat([ts, body]);
    const expected = hmac('sha256', secret, signed, s.webhookSignatureEncoding);
    const got = s.webhookSignatureEncoding === 'hex' ? signature.toLowerCase() : signature;
    return safeEqual(got, expected) ? { ok: true } : { ok: false, reason: 'signature does not match' };
  },

  parse(body) {
    const b = body as { meta?: Record<string, unknown>; data?: Record<string, unknown> } | null;
    if (!b || typeof b !== 'object' || !b.data || typeof b.data !== 'object') throw new Error('not a Falcon Fusion webhook delivery');
    const meta = b.meta ?? {};
    const data = b.data;
    const compositeId = field(data, 'composite_id');
    const agentId = field(data, 'agent_id');
    const epoch = typeof meta.timestamp === 'number' ? meta.timestamp : undefined;
    const event: ParsedWebhookEvent = {
      externalEventId: compositeId ? `${compositeId}:${meta.workflow_id ?? ''}:${epoch ?? ''}` : null,
      eventType: typeof meta.trigger_name === 'string' ? meta.trigger_name : 'falcon.workflow',
      category: compositeId || meta.trigger_category === 'Detections' ? 'detection' : 'other',
      sourceEntityType: compositeId ? 'detection' : agentId ? 'device' : null,
      sourceEntityId: compositeId ?? agentId ?? null,
      severity: field(data, 'severity') ? falconSeverity(field(data, 'severity'), undefined) : null,
      eventTime: epoch ? new Date(epoch * 1000).toISOString() : null,
      payload: body,
    };
    return [event];
  },
};
