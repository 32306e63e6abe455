import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { Logger } from '@trustsync/core';
import type { SyncType } from '@trustsync/connectors';
import { SyncStore, findApplyContexts, markEventsProcessed, requestSync, type ApplyContext, type IntegrationEntity, type StoredEvent } from '@trustsync/db';
import { enqueueSync, type EntityChange } from '@trustsync/queue';
import { eventInstant, type EffectEntity, type EventEffect, type PatchEffect } from './effects/event-effect';

/** What applying an event did, stored on the event row as its `result`. */
export type ApplyResult = Record<string, unknown> & { effect: 'created' | 'updated' | 'unchanged' | 'superseded' | 'pull_requested' | 'recorded' };

/** One stored event to apply: its integration and what the event means. */
export interface ApplyItem {
  integration: IntegrationEntity;
  event: StoredEvent;
  effect: EventEffect;
}

/**
 * What became of one event of a batch: applied and marked processed; found already processed by
 * another run (`skipped`); or an error for its job to handle, with nothing of it kept.
 */
export type ApplyOutcome = { result: ApplyResult } | { skipped: true } | { error: Error };

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

/**
 * One part of an event's effect once the platform's state is known: a result already decided, a
 * targeted pull to request, or a record to write (its result is the write's outcome plus `extra`).
 */
type Step =
  | { kind: 'decided'; result: ApplyResult }
  | { kind: 'pull'; entity: EffectEntity | 'policy'; reason: string }
  | { kind: 'write'; entity: EffectEntity; record: Record<string, unknown>; extra: Record<string, unknown> };

/** An event of a round: its steps (the effect's own, then the patch of a second entity it may carry). */
interface Planned {
  item: ApplyItem;
  main: Step;
  then?: { entity: EffectEntity; step: Step };
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

// Fields the event left empty keep what the platform already knew.
function mergeKnown(known: Record<string, unknown> | undefined, fresh: object): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(known ?? {}) };
  for (const [k, v] of Object.entries(fresh)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

/** The entities an effect reads and writes, as (entity, external id) pairs. */
function targetsOf(effect: EventEffect): Array<{ entity: EffectEntity; externalId: string }> {
  if (effect.kind === 'patch') return [{ entity: effect.entity, externalId: effect.externalId }];
  if (effect.kind !== 'upsert') return [];
  const main = { entity: effect.entity, externalId: effect.record.externalId };
  return effect.then ? [main, { entity: effect.then.entity, externalId: effect.then.externalId }] : [main];
}

/**
 * Splits a batch into rounds in which no entity is changed twice, oldest event first: two events
 * about one entity are applied one after the other, so the later one sees the earlier one applied.
 */
function inRounds(items: ApplyItem[]): ApplyItem[][] {
  const rounds: ApplyItem[][] = [];
  const lastRound = new Map<string, number>();
  const oldestFirst = [...items].sort((a, b) => eventInstant(a.event).localeCompare(eventInstant(b.event)));
  for (const item of oldestFirst) {
    const keys = targetsOf(item.effect).map((t) => `${item.integration.id}|${t.entity}|${t.externalId}`);
    const round = Math.max(0, ...keys.map((k) => (lastRound.get(k) ?? -1) + 1));
    keys.forEach((k) => lastRound.set(k, round));
    (rounds[round] ??= []).push(item);
  }
  return rounds;
}

function patchStep(effect: PatchEffect, ctx: ApplyContext): Step {
  const ids = { entity: effect.entity, external_id: effect.externalId };
  if (!ctx.known) return { kind: 'pull', entity: effect.entity, reason: `${effect.entity} ${effect.externalId} is not known yet` };
  if (ctx.superseded) return { kind: 'decided', result: { effect: 'superseded', ...ids, platform_id: ctx.known.platformId } };
  return { kind: 'write', entity: effect.entity, record: effect.change(ctx.known.record), extra: ids };
}

/** Decides an event's steps from the state of the entities it names (`contexts`, in `targetsOf` order). */
function plan(item: ApplyItem, contexts: ApplyContext[]): Planned {
  const effect = item.effect;
  switch (effect.kind) {
    case 'record':
      return { item, main: { kind: 'decided', result: { effect: 'recorded', reason: effect.reason } } };
    case 'pull':
      return { item, main: { kind: 'pull', entity: effect.entity, reason: effect.reason } };
    case 'patch':
      return { item, main: patchStep(effect, contexts[0]) };
    case 'upsert': {
      const [ctx, thenCtx] = contexts;
      const ids = { entity: effect.entity, external_id: effect.record.externalId };
      const main: Step = ctx.superseded
        ? { kind: 'decided', result: { effect: 'superseded', ...ids } }
        : { kind: 'write', entity: effect.entity, record: mergeKnown(ctx.known?.record, effect.record), extra: { ...ids, ...(effect.note ?? {}) } };
      // The second entity has its own "newer" test: a detections pull says nothing about a host's containment.
      return { item, main, then: effect.then ? { entity: effect.then.entity, step: patchStep(effect.then, thenCtx) } : undefined };
    }
  }
}

/**
 * Applies events' effects to the platform through the sync pipeline's own write path (SyncStore:
 * content-hash change detection, correlation, mappings), so applying the same event twice finds
 * nothing changed the second time. A batch is applied in few round trips: one lookup of every
 * entity it names, then one transaction that writes each integration's records of each entity
 * type together and marks the applied events processed, so an event is never processed without
 * its writes, nor its writes kept without it being processed. Targeted pulls go through
 * requestSync, which coalesces with a sync already pending or running.
 */
export class EffectApplier {
  private readonly store: SyncStore;

  constructor(private readonly deps: EffectApplierDeps) {
    this.store = new SyncStore(deps.dataSource);
  }

  /** Applies a batch of events; returns each event's outcome by event id. */
  async applyAll(items: ApplyItem[]): Promise<Map<string, ApplyOutcome>> {
    const out = new Map<string, ApplyOutcome>();
    for (const round of inRounds(items)) {
      try {
        await this.applyRound(round, out);
      } catch (err) {
        if (round.length === 1) out.set(round[0].event.id, { error: asError(err) });
        // One event's failure (a deadlock, a refused write) must not fail the others: each runs alone.
        else for (const item of round) await this.applyRound([item], out).catch((e) => out.set(item.event.id, { error: asError(e) }));
      }
    }
    return out;
  }

  private async applyRound(items: ApplyItem[], out: Map<string, ApplyOutcome>): Promise<void> {
    const targets = items.map((item) => targetsOf(item.effect).map((t) => ({ event: item.event, entityType: t.entity, externalId: t.externalId })));
    const contexts = await findApplyContexts(this.deps.dataSource, targets.flat());
    let at = 0;
    const planned = items.map((item, i) => plan(item, contexts.slice(at, (at += targets[i].length))));

    // Pulls first (rare: entities not known yet); what they answer is part of the event's result.
    const pulled = new Map<Step, ApplyResult>();
    for (const p of planned) {
      for (const step of [p.main, p.then?.step]) if (step?.kind === 'pull') pulled.set(step, await this.pull(p.item.integration, p.item.event, step.entity, step.reason));
    }

    const changes: EntityChange[] = [];
    await this.deps.dataSource.transaction(async (m) => {
      // One write per (integration, entity type) for the whole round, groups and records in a fixed
      // order so that two workers writing the same rows lock them in the same order.
      const groups = new Map<string, { integrationId: string; entity: EffectEntity; records: Record<string, unknown>[] }>();
      for (const p of planned) {
        for (const step of [p.main, p.then?.step]) {
          if (step?.kind !== 'write') continue;
          const key = `${p.item.integration.id}|${step.entity}`;
          const group = groups.get(key) ?? { integrationId: p.item.integration.id, entity: step.entity, records: [] };
          group.records.push(step.record);
          groups.set(key, group);
        }
      }
      const written = new Map<string, ApplyResult>();
      for (const [key, g] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const records = g.records.sort((a, b) => (String(a.externalId) < String(b.externalId) ? -1 : 1));
        const { outcomes, changed } = await this.store.writeRecords(m, g.integrationId, g.entity, records);
        for (const [externalId, o] of outcomes) written.set(`${key}|${externalId}`, { effect: o.effect, platform_id: o.platformId });
        if (changed.length > 0) changes.push({ integrationId: g.integrationId, entity: g.entity, platformIds: changed });
      }

      const resultOf = (p: Planned, step: Step): ApplyResult => {
        if (step.kind === 'decided') return step.result;
        if (step.kind === 'pull') return pulled.get(step)!;
        const w = written.get(`${p.item.integration.id}|${step.entity}|${String(step.record.externalId)}`);
        // Thrown out of the transaction: nothing of the round is kept, and applyAll retries its events one by one.
        if (!w) throw new Error(`the ${step.entity} record of event ${p.item.event.id} was refused by the store`);
        return { ...w, ...step.extra };
      };
      const done = planned.map((p) => ({ id: p.item.event.id, result: { ...resultOf(p, p.main), ...(p.then ? { [p.then.entity]: resultOf(p, p.then.step) } : {}) } }));
      const marked = new Set(await markEventsProcessed(m, done));
      // An event another run finished meanwhile is left as that run marked it.
      for (const d of done) out.set(d.id, marked.has(d.id) ? { result: d.result } : { skipped: true });
    });

    // Best effort, as in the sync worker: the writes are committed, and a retry would find them unchanged.
    for (const change of changes) {
      await this.deps.onEntitiesChanged?.(change).catch((err) => this.deps.logger.warn('change hook failed', { integrationId: change.integrationId, entity: change.entity, err }));
    }
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
