import type { DetectionRecord, DeviceRecord, UserRecord } from '@trustsync/model';
import type { StoredEvent } from '@trustsync/db';

/** Platform entities a webhook event can change. */
export type EffectEntity = 'device' | 'user' | 'detection';

/** The record type of each entity an event can write. */
export interface EffectRecord {
  device: DeviceRecord;
  user: UserRecord;
  detection: DetectionRecord;
}

/**
 * What one vendor event means for the platform:
 * - `upsert`: the event carries the entity's state; it is written (merged over what is known), then
 *   its `then` patch, if any, is applied to the other entity it names.
 * - `patch`: the event states a change to an entity; applied to the last known record, or, for an
 *   entity not yet known, turned into a targeted pull.
 * - `pull`: the event names a change but not the new state; a pull of that entity type fetches it.
 * - `record`: nothing to apply (sign-ins, group membership); the stored event is the signal.
 */
export type EventEffect =
  | { kind: 'upsert'; entity: 'detection'; record: DetectionRecord; note?: Record<string, unknown>; then?: PatchEffect }
  | PatchEffect
  | { kind: 'pull'; entity: EffectEntity | 'policy'; reason: string }
  | { kind: 'record'; reason: string };

/** A change to one known entity; an upsert may carry one for a second entity (a detection that contained its host). */
export interface PatchEffect {
  kind: 'patch';
  entity: EffectEntity;
  externalId: string;
  change: (known: Record<string, unknown>) => Record<string, unknown>;
}

/** An event whose payload cannot mean anything: marked failed with the reason, never retried. */
export class PoisonEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonEventError';
  }
}

/** Interprets one stored event of one vendor. */
export type EffectInterpreter = (event: StoredEvent) => EventEffect;

/** The payload as an object, or a PoisonEventError. */
export function payloadObject(event: StoredEvent): Record<string, unknown> {
  const p = event.payload;
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw new PoisonEventError(`event ${event.id} has no object payload`);
  return p as Record<string, unknown>;
}

/** A non-empty string field, or null. */
export function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v : null;
}

/** The event's time, else when it was received: what "newer" means for this event. */
export function eventInstant(event: StoredEvent): string {
  return (event.eventTime ?? event.receivedAt).toISOString();
}
