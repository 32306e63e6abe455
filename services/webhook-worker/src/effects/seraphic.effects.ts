import type { Severity } from '@trustsync/model';
import type { StoredEvent } from '@trustsync/db';
import { PoisonEventError, eventInstant, payloadObject, text, type EffectInterpreter, type EventEffect } from './event-effect';

/**
 * Seraphic's proposed webhooks [none: no public source]: threat and DLP events carry the record,
 * so they are written; `endpoint.offline` marks a known endpoint stale; policy violations are kept
 * as compliance signals only.
 */
export const seraphicEffects: EffectInterpreter = (event: StoredEvent): EventEffect => {
  const body = payloadObject(event);
  const data = (body.data && typeof body.data === 'object' ? body.data : {}) as Record<string, unknown>;
  const severity = (event.severity as Severity | null) ?? 'medium';
  switch (event.eventType) {
    case 'threat.detected':
    case 'dlp.violation': {
      if (!event.sourceEntityId) throw new PoisonEventError(`${event.eventType} without ${event.eventType === 'threat.detected' ? 'data.detectionId' : 'data.violationId'}`);
      const dlp = event.eventType === 'dlp.violation';
      return {
        kind: 'upsert',
        entity: 'detection',
        record: {
          externalId: event.sourceEntityId,
          title: (dlp ? text(data.ruleName) : text(data.type)) ?? (dlp ? 'DLP violation' : 'Browser threat'),
          severity,
          status: text(dlp ? data.action : data.actionTaken) ?? 'detected',
          classification: dlp ? 'dlp' : text(data.type),
          deviceExternalId: text(data.endpointId),
          detectedAt: text(dlp ? data.occurredAt : data.detectedAt) ?? eventInstant(event),
          description: dlp ? [text(data.channel), text(data.destination)].filter(Boolean).join(' to ') || null : text(data.url),
        },
      };
    }
    case 'endpoint.offline':
      if (!event.sourceEntityId) throw new PoisonEventError('endpoint.offline without data.endpointId');
      return { kind: 'patch', entity: 'device', externalId: event.sourceEntityId, change: (known) => ({ ...known, status: 'stale' }) };
    default:
      return { kind: 'record', reason: `${event.eventType} changes no platform entity` };
  }
};
