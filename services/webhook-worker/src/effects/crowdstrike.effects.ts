import type { Severity } from '@trustsync/model';
import type { StoredEvent } from '@trustsync/db';
import { eventInstant, payloadObject, text, type EffectInterpreter, type EventEffect, type PatchEffect } from './event-effect';

// Fusion bodies are templated by the workflow author: a field is found by its last dotted segment.
function field(data: Record<string, unknown>, name: string): string | null {
  for (const [k, v] of Object.entries(data)) if ((k === name || k.endsWith(`.${name}`)) && v !== null && v !== undefined && v !== '') return String(v);
  return null;
}

/** Falcon host containment states (the host's `status`), as the pull tags them. */
const CONTAINMENT_STATES = ['normal', 'containment_pending', 'contained', 'lift_containment_pending'] as const;
type ContainmentState = (typeof CONTAINMENT_STATES)[number];
const CONTAINMENT_TAG = 'crowdstrike:containment:';

function isContainmentState(v: string | null): v is ContainmentState {
  return v !== null && (CONTAINMENT_STATES as readonly string[]).includes(v.toLowerCase());
}

// Free text a workflow author wrote ("machine was contained", "Containment lifted"): only a plain statement counts.
function containmentInText(v: string | null): ContainmentState | null {
  if (!v || !/contain/i.test(v)) return null;
  if (/lift|uncontain|releas|not contained/i.test(v)) return /pending/i.test(v) ? 'lift_containment_pending' : 'normal';
  return /pending/i.test(v) ? 'containment_pending' : 'contained';
}

/**
 * The host's containment as the pull records it: the Falcon mapping's `crowdstrike:containment:<status>`
 * tag (the platform device has no containment column), replacing the one before.
 */
function setContainment(agentId: string, state: ContainmentState): PatchEffect {
  return {
    kind: 'patch',
    entity: 'device',
    externalId: agentId,
    change: (known) => {
      const tags = (Array.isArray(known.tags) ? known.tags : []).filter((t): t is string => typeof t === 'string' && !t.startsWith(CONTAINMENT_TAG));
      return { ...known, tags: [...tags, `${CONTAINMENT_TAG}${state}`] };
    },
  };
}

/**
 * Falcon Fusion "Call webhook" deliveries about detections: the detection is written from what
 * the workflow sent (the next detections pull brings the full alert), and containment stated in
 * `action_taken` is set on the host. A delivery that names only a host sets its containment when
 * it states one (`containment_status`, a `status` Falcon uses for containment, or `action_taken`)
 * and otherwise asks for a pull of devices.
 */
export const crowdstrikeEffects: EffectInterpreter = (event: StoredEvent): EventEffect => {
  const body = payloadObject(event);
  const data = (body.data && typeof body.data === 'object' ? body.data : {}) as Record<string, unknown>;
  if (event.sourceEntityType === 'detection' && event.sourceEntityId) {
    const tactic = field(data, 'tactic');
    const technique = field(data, 'technique');
    const action = field(data, 'action_taken');
    const contained = containmentInText(action);
    const agentId = field(data, 'agent_id');
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
        deviceExternalId: agentId,
        detectedAt: eventInstant(event),
        description: field(data, 'description') ?? action,
      },
      note: contained ? { containment: contained } : undefined,
      then: contained && agentId ? setContainment(agentId, contained) : undefined,
    };
  }
  if (event.sourceEntityType === 'device' && event.sourceEntityId) {
    const stated = field(data, 'containment_status') ?? field(data, 'status');
    const state = isContainmentState(stated) ? (stated.toLowerCase() as ContainmentState) : containmentInText(field(data, 'action_taken'));
    if (state) return setContainment(event.sourceEntityId, state);
    return { kind: 'pull', entity: 'device', reason: `${event.eventType} names a host` };
  }
  return { kind: 'record', reason: `${event.eventType} names no detection or host` };
};
