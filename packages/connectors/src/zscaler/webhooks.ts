import type { Severity } from '@trustsync/model';
import { headerValue, safeEqual, type ParsedWebhookEvent, type WebhookScheme } from '../core';

/** One record of a Cloud NSS web feed in the JSON template (`{sourcetype, event}`); fields are admin-defined. */
export interface NssRecord {
  sourcetype?: string;
  event: Record<string, string | undefined>;
}

const NONE = new Set(['', 'none', 'n/a']);

function present(v: string | undefined): string | null {
  return v !== undefined && !NONE.has(v.trim().toLowerCase()) ? v : null;
}

/** ZIA risk scores run 0–100. */
function severityFromRisk(score: number | null, blocked: boolean): Severity {
  if (score !== null && score >= 90) return 'critical';
  if (score !== null && score >= 70) return 'high';
  if (score !== null && score >= 40) return 'medium';
  return blocked ? 'low' : 'informational';
}

/** NSS writes times like "Tue May 20 09:47:57 2025", in UTC. */
function nssTime(v: string | undefined): string | null {
  if (!v) return null;
  const t = Date.parse(/[zZ]|UTC|GMT|[+-]\d\d:?\d\d$/.test(v) ? v : `${v} UTC`);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function toEvent(r: NssRecord): ParsedWebhookEvent {
  const e = r.event;
  const blocked = (e.action ?? '').toLowerCase() === 'blocked';
  const threat = present(e.threatname) ?? present(e.malwarecat);
  const score = e.riskscore !== undefined && e.riskscore !== '' && Number.isFinite(Number(e.riskscore)) ? Number(e.riskscore) : null;
  return {
    externalEventId: null,
    eventType: r.sourcetype ?? 'zscalernss',
    category: blocked || threat ? 'detection' : 'other',
    sourceEntityType: null,
    sourceEntityId: null,
    severity: severityFromRisk(score, blocked || threat !== null),
    eventTime: nssTime(e.time),
    payload: r,
  };
}

/**
 * ZIA Cloud NSS HTTPS feeds. Zscaler signs nothing: the feed carries the static header the admin
 * configured (`connectionHeaders`), compared here in constant time, as the secret itself or as
 * `Bearer <secret>`. There is no timestamp to check.
 */
export const webhooks: WebhookScheme = {
  verify(delivery, secret, settings) {
    if (!secret) return { ok: false, reason: 'no NSS feed secret configured' };
    const name = typeof settings.nssAuthHeader === 'string' && settings.nssAuthHeader ? settings.nssAuthHeader : 'authorization';
    const got = headerValue(delivery.headers, name);
    if (!got) return { ok: false, reason: `missing ${name} header` };
    return safeEqual(got, secret) || safeEqual(got, `Bearer ${secret}`) ? { ok: true } : { ok: false, reason: `${name} header does not match the feed secret` };
  },

  parse(body) {
    const records = Array.isArray(body) ? body : [body];
    return records.map((r) => {
      const rec = r as NssRecord;
      if (!rec || typeof rec !== 'object' || !rec.event || typeof rec.event !== 'object') throw new Error('not a Cloud NSS JSON record ({sourcetype, event})');
      return toEvent(rec);
    });
  },
};
