import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { Batcher, type Logger } from '@trustsync/core';
import { VENDORS, type VendorModule } from '@trustsync/connectors';
import type { IntegrationType } from '@trustsync/model';
import {
  UNPARSED_EVENT_TYPE,
  beginEventAttempts,
  findWebhookIntegration,
  markEventFailed,
  markEventProcessed,
  markEventsEnqueued,
  newEventFromParsed,
  recordEventAttemptError,
  recordEvents,
  type IntegrationEntity,
  type StoredEvent,
} from '@trustsync/db';
import { WebhookJobData, enqueueWebhookEvents, validatePayload, type EntityChange } from '@trustsync/queue';
import { EffectApplier, type ApplyItem, type ApplyResult } from './effect-applier';
import { EVENT_EFFECTS } from './effects/event-effects';
import { PoisonEventError, type EffectInterpreter } from './effects/event-effect';

/** What the processor needs from its composition root. */
export interface WebhookProcessorDeps {
  dataSource: DataSource;
  /** Producer of the sync queue (targeted pulls). */
  syncQueue: Queue;
  /** Producer of the webhook queue (events split out of a delivery that now parses). */
  webhookQueue: Queue;
  logger: Logger;
  /** Told about every platform entity an applied event created or changed (posture evaluation starts here). */
  onEntitiesChanged?: (change: EntityChange) => Promise<void>;
  /** Vendor registry (webhook parsers); tests may replace it. */
  vendors?: Record<IntegrationType, VendorModule>;
  effects?: Record<IntegrationType, EffectInterpreter>;
  /** How long an integration row is reused between events (0: read it for every event). */
  integrationCacheMs?: number;
  /** Most events applied together in one batch (one lookup, one transaction). */
  maxBatch?: number;
}

/** A webhook job's result, kept on the completed job for Bull Board. */
export interface WebhookJobResult {
  eventId: string;
  outcome: 'processed' | 'skipped';
  result?: ApplyResult;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What became of one job's event in its batch. */
type EventOutcome =
  | { kind: 'skipped' }
  | { kind: 'processed'; event: StoredEvent; result: ApplyResult }
  | { kind: 'failed'; event: StoredEvent; error: unknown };

/**
 * Applies stored events, one per job. The jobs a worker runs at once are gathered into batches
 * (see Batcher) and a batch is applied in a few round trips (see EffectApplier), which is what
 * lets one worker keep up with hundreds of deliveries a second. Only a pending event is worked on
 * (`beginEventAttempts`), so a job that runs again after its event was applied does nothing; an
 * apply cut short by a crash rolled back with the event still pending, and runs again. Poison
 * events (a payload that cannot mean anything) are marked failed with the reason and end the job
 * for good; other failures retry with backoff, and the last attempt marks the event failed.
 * Failed events stay replayable.
 */
export function createWebhookProcessor(deps: WebhookProcessorDeps) {
  const applier = new EffectApplier({ dataSource: deps.dataSource, syncQueue: deps.syncQueue, logger: deps.logger, onEntitiesChanged: deps.onEntitiesChanged });
  const vendors = deps.vendors ?? VENDORS;
  const effects = deps.effects ?? EVENT_EFFECTS;
  const integrations = new Map<string, { entity: IntegrationEntity; expiresAtMs: number }>();
  const batcher = new Batcher<string, EventOutcome>(applyBatch, deps.maxBatch ?? 100);

  // Bursts of events for one integration read its row once; a disabled sync switch shows within the TTL.
  async function integrationOf(id: string): Promise<IntegrationEntity | null> {
    const cached = integrations.get(id);
    if (cached && cached.expiresAtMs > Date.now()) return cached.entity;
    const entity = await findWebhookIntegration(deps.dataSource, id);
    if (integrations.size >= 10_000) integrations.clear();
    if (entity && (deps.integrationCacheMs ?? 5000) > 0) integrations.set(id, { entity, expiresAtMs: Date.now() + (deps.integrationCacheMs ?? 5000) });
    return entity;
  }

  async function applyBatch(ids: string[]): Promise<EventOutcome[]> {
    const outcomes = new Map<string, EventOutcome>();
    const items: ApplyItem[] = [];
    for (const event of await beginEventAttempts(deps.dataSource, [...new Set(ids)])) {
      // A failure here is this event's alone: it must not cost the rest of the batch an attempt.
      try {
        const integration = await integrationOf(event.integrationId);
        // Events are deleted with their integration (cascade); a missing one is gone mid-flight.
        if (!integration) continue;
        if (event.eventType !== UNPARSED_EVENT_TYPE) items.push({ integration, event, effect: interpret(integration, event) });
        else {
          const result = await splitUnparsed(integration, event);
          await markEventProcessed(deps.dataSource, event.id, result);
          outcomes.set(event.id, { kind: 'processed', event, result });
        }
      } catch (error) {
        outcomes.set(event.id, { kind: 'failed', event, error });
      }
    }
    const byId = new Map(items.map((item) => [item.event.id, item.event]));
    for (const [id, o] of await applier.applyAll(items)) {
      const event = byId.get(id)!;
      if ('result' in o) outcomes.set(id, { kind: 'processed', event, result: o.result });
      else if ('error' in o) outcomes.set(id, { kind: 'failed', event, error: o.error });
    }
    return ids.map((id) => outcomes.get(id) ?? { kind: 'skipped' });
  }

  return async function processWebhook(job: Job): Promise<WebhookJobResult> {
    let data: WebhookJobData;
    try {
      data = await validatePayload(WebhookJobData, job.data);
    } catch (err) {
      throw new UnrecoverableError(`invalid webhook job payload: ${describe(err)}`);
    }
    const log = deps.logger.child({ jobId: job.id, eventId: data.eventId });
    try {
      const outcome = await batcher.submit(data.eventId);
      if (outcome.kind === 'skipped') return { eventId: data.eventId, outcome: 'skipped' };
      if (outcome.kind === 'failed') throw outcome.error;
      log.debug('webhook event applied', { eventType: outcome.event.eventType, effect: outcome.result.effect });
      return { eventId: data.eventId, outcome: 'processed', result: outcome.result };
    } catch (err) {
      if (err instanceof PoisonEventError) {
        await markEventFailed(deps.dataSource, data.eventId, err.message);
        log.warn('poison webhook event marked failed', { reason: err.message });
        throw new UnrecoverableError(err.message);
      }
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const reason = `attempt ${job.attemptsMade + 1} failed: ${describe(err)}`;
      await (lastAttempt ? markEventFailed(deps.dataSource, data.eventId, reason) : recordEventAttemptError(deps.dataSource, data.eventId, reason)).catch(() => undefined);
      log.warn('webhook event attempt failed', { err, lastAttempt });
      throw err;
    }
  };

  function interpret(integration: IntegrationEntity, event: StoredEvent) {
    const interpreter = effects[integration.integrationType as IntegrationType];
    if (!interpreter) throw new PoisonEventError(`no event interpreter for ${integration.integrationType}`);
    return interpreter(event);
  }

  /**
   * A delivery the parser refused at ingress. It is parsed again (a replay after a parser fix):
   * still refused, it is poison; parsed, its events are stored and enqueued like a new delivery.
   */
  async function splitUnparsed(integration: IntegrationEntity, event: StoredEvent): Promise<ApplyResult> {
    const stored = event.payload as { body?: unknown; parse_error?: string } | null;
    const scheme = vendors[integration.integrationType as IntegrationType]?.webhooks;
    if (!scheme) throw new PoisonEventError(`${integration.integrationType} has no webhook parser`);
    let parsed;
    try {
      parsed = scheme.parse(stored?.body);
    } catch (err) {
      throw new PoisonEventError(`the ${integration.integrationType} parser refuses this delivery: ${describe(err)}`);
    }
    const { accepted, duplicates } = await recordEvents(deps.dataSource, integration.id, parsed.map(newEventFromParsed));
    await enqueueWebhookEvents(deps.webhookQueue, accepted);
    await markEventsEnqueued(deps.dataSource, accepted);
    return { effect: 'recorded', reason: 'delivery parsed on replay and split into events', event_ids: accepted, duplicates };
  }
}
