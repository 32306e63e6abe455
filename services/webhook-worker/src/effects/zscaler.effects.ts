import type { Severity } from '@trustsync/model';
import type { StoredEvent } from '@trustsync/db';
import { eventInstant, payloadObject, text, type EffectInterpreter, type EventEffect } from './event-effect';

/**
 * ZIA Cloud NSS records: blocked or threat records become detections keyed by the record's hash
 * (NSS sends no id and names no device); the rest are traffic logs kept as events only.
 */
export const zscalerEffects: EffectInterpreter = (event: StoredEvent): EventEffect => {
  if (event.category !== 'detection') return { kind: 'record', reason: 'NSS record that is not a block or a threat' };
  const e = (payloadObject(event).event ?? {}) as Record<string, unknown>;
  const threat = text(e.threatname) && !/^none$/i.test(String(e.threatname)) ? text(e.threatname) : null;
  return {
    kind: 'upsert',
    entity: 'detection',
    record: {
      externalId: event.externalEventId,
      title: threat ?? `${text(e.action) ?? 'Blocked'} ${text(e.urlcat) ?? 'web request'}`,
      severity: (event.severity as Severity | null) ?? 'low',
      status: text(e.action)?.toLowerCase() ?? 'blocked',
      classification: text(e.urlclass) ?? text(event.eventType),
      deviceExternalId: null,
      detectedAt: eventInstant(event),
      description: [text(e.login), text(e.eurl) ?? text(e.url), text(e.rulelabel)].filter(Boolean).join(' | ') || null,
    },
  };
};
