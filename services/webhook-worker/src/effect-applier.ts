import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { Logger } from '@trustsync/core';
import type { SyncType } from '@trustsync/connectors';
import { SyncStore, emptyProgress, findApplyContext, requestSync, type IntegrationEntity, type StoredEvent } from '@trustsync/db';
import { enqueueSync, type EntityChange } from '@trustsync/queue';
import type { EffectEntity, EventEffect, PatchEffect } from './effects/event-effect';

/** What applying an event did, stored on the event row as its `result`. */
export type ApplyResult = Record<string, unknown> & { effect: 'created' | 'updated' | 'unchanged' | 'superseded' | 'pull_requested' | 'recorded' };

/** What the applier needs. */
export interface EffectApplierDeps {
  dataSource: DataSource;
  /** Producer of the sync queue, for targeted pulls. */
  syncQueue: Queue;
  logger: Logger;
  /**
   * Told about every platform entity an event created or changed (the sync worker's change hook):
   * the composition root turns device and detection changes into posture evaluations.
   */
  onEntitiesChanged?: (change: EntityChange) => Promise<void>;
}

const PULL_SYNC_TYPE: Record<EffectEntity | 'policy', SyncType> = { device: 'devices', user: 'users', detection: 'detections', policy: 'policies' };

// Fields the event left empty keep what the platform already knew.
function mergeKnown(known: Record<string, unknown> | undefined, fresh: object): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(known ?? {}) };
  for (const [k, v] of Object.entries(fresh)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

/**
 * Applies an event's effect to the platform through the sync pipeline's own write path
 * (SyncStore: content-hash change detection, correlation, mappings), so applying the same event
 * twice finds nothing changed the second time. Targeted pulls go through requestSync, which
 * coalesces with a sync already pending or running.
 */
export class EffectApplier {
  private readonly store: SyncStore;

  constructor(private readonly deps: EffectApplierDeps) {
    this.store = new SyncStore(deps.dataSource);
  }

  /** Applies one effect of one event of `integration`. */
  async apply(integration: IntegrationEntity, event: StoredEvent, effect: EventEffect): Promise<ApplyResult> {
    switch (effect.kind) {
      case 'record':
        return { effect: 'recorded', reason: effect.reason };
      case 'pull':
        return this.pull(integration, event, effect.entity, effect.reason);
      case 'upsert': {
        const { superseded, known } = await findApplyContext(this.deps.dataSource, event, effect.entity, effect.record.externalId);
        const written: ApplyResult = superseded ? { effect: 'superseded' } : await this.write(integration.id, event.id, effect.entity, mergeKnown(known?.record, effect.record));
        // The second entity has its own "newer" test: a detections pull says nothing about a host's containment.
        const also = effect.then ? { [effect.then.entity]: await this.patch(integration, event, effect.then) } : {};
        return { ...written, entity: effect.entity, external_id: effect.record.externalId, ...(superseded ? {} : (effect.note ?? {})), ...also };
      }
      case 'patch':
        return this.patch(integration, event, effect);
    }
  }

  private async patch(integration: IntegrationEntity, event: StoredEvent, effect: PatchEffect): Promise<ApplyResult> {
    const { superseded, known } = await findApplyContext(this.deps.dataSource, event, effect.entity, effect.externalId);
    if (!known) return this.pull(integration, event, effect.entity, `${effect.entity} ${effect.externalId} is not known yet`);
    if (superseded) return { effect: 'superseded', entity: effect.entity, external_id: effect.externalId, platform_id: known.platformId };
    const written = await this.write(integration.id, event.id, effect.entity, effect.change(known.record));
    return { ...written, entity: effect.entity, external_id: effect.externalId };
  }

  private async write(integrationId: string, eventId: string, entity: EffectEntity, record: Record<string, unknown>): Promise<ApplyResult> {
    // The event id stands in for a sync id: no sync row has it, so the checkpoint update touches nothing.
    const page = await this.store.writePage({ integrationId, syncId: eventId, entity, records: [record], trackSeen: false }, emptyProgress(), `webhook:${entity}`, null);
    const c = page.counts;
    if (c.failed > 0) throw new Error(`the ${entity} record of event ${eventId} was refused by the store`);
    if (page.changed.length > 0 && this.deps.onEntitiesChanged) {
      // Best effort, as in the sync worker: the write is committed, and a retry would find it unchanged.
      await this.deps.onEntitiesChanged({ integrationId, entity, platformIds: page.changed }).catch((err) => this.deps.logger.warn('change hook failed', { eventId, entity, err }));
    }
    return { effect: c.created > 0 ? 'created' : c.updated > 0 ? 'updated' : 'unchanged', platform_id: page.changed[0] ?? null };
  }

  private async pull(integration: IntegrationEntity, event: StoredEvent, entity: EffectEntity | 'policy', reason: string): Promise<ApplyResult> {
    if (!integration.enabled || !integration.syncEnabled) return { effect: 'recorded', reason: `${reason}; no pull because syncing is off for this integration` };
    const syncType = PULL_SYNC_TYPE[entity];
    const { sync, coalesced } = await requestSync(this.deps.dataSource, { integrationId: integration.id, syncType, triggeredBy: `webhook:${event.id}` });
    if (!coalesced || sync.status === 'pending') {
      // A failed enqueue leaves a pending sync, which the sync worker's stranded sweeper enqueues.
      await enqueueSync(this.deps.syncQueue, { syncId: sync.id, integrationId: integration.id, syncType: sync.syncType as SyncType, triggeredBy: `webhook:${event.id}` }).catch((err) =>
        this.deps.logger.warn('targeted pull recorded but not enqueued', { syncId: sync.id, err }),
      );
    }
    return { effect: 'pull_requested', entity, reason, sync_id: sync.id, sync_type: sync.syncType, coalesced };
  }
}
