import type { Severity } from '@trustsync/model';
import type { StoredEvent } from '@trustsync/db';
import { eventInstant, payloadObject, text, type EffectInterpreter, type EventEffect } from './event-effect';

// Fusion bodies are templated by the workflow author: a field is found by its last dotted segment.
function field(data: Record<string, unknown>, name: string): string | null {
  for (const [k, v] of Object.entries(data)) if ((k === name || k.endsWith(`.${name}`)) && v !== null && v !== undefined && v !== '') return String(v);
  return null;
}

/**
 * Falcon Fusion "Call webhook" deliveries about detections: the detection is written from what
 * the workflow sent (the next detections pull brings the full alert). A delivery that names only
 * a host asks for a pull of devices; containment stated in `action_taken` is kept on the result.
 */
export const crowdstrikeEffects: EffectInterpreter = (event: StoredEvent): EventEffect => {
  const body = payloadObject(event);
  const data = (body.data && typeof body.data === 'object' ? body.data : {}) as Record<string, unknown>;
  if (event.sourceEntityType === 'detection' && event.sourceEntityId) {
    const tactic = field(data, 'tactic');
    const technique = field(data, 'technique');
    const action = field(data, 'action_taken');
    const meta = (body.meta && typeof body.meta === 'object' ? body.meta : {}) as Record<string, unknown>;
    return {
      kind: 'upsert',
      entity: 'detection',
      record: {
        externalId: event.sourceEntityId,
        title: field(data, 'display_name') ?? field(data, 'name') ?? text(meta.trigger_name) ?? 'Falcon detection',
        severity: (event.severity as Severity | null) ?? 'medium',
        status: field(data, 'status') ?? 'new',
        classification: [tactic, technique].filter(Boolean).join(' / ') || null,
        deviceExternalId: field(data, 'agent_id'),
        detectedAt: eventInstant(event),
        description: field(data, 'description') ?? action,
      },
      note: action && /contain/i.test(action) ? { containment: 'contained' } : undefined,
    };
  }
  if (event.sourceEntityType === 'device') return { kind: 'pull', entity: 'device', reason: `${event.eventType} names a host` };
  return { kind: 'record', reason: `${event.eventType} names no detection or host` };
};
