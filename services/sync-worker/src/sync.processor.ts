import type { TrustSyncMetrics } from '@trustsync/metrics';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { Logger, SecretBox } from '@trustsync/core';
import { ConnectorError, createConnector, type ConnectorFactory, type StreamEntity, type StreamSpec, type SyncType, type OutboundPolicy, type TokenCache } from '@trustsync/connectors';
import {
  IntegrationEntity,
  SyncStore,
  beginSyncRun,
  countMissedWebhooks,
  finishSyncRun,
  lastCompletedSyncStart,
  openCredentials,
  toIntegrationView,
  type HealthVerdict,
  type SyncProgress,
} from '@trustsync/db';
import { SyncJobData, validatePayload } from '@trustsync/queue';
import { prefetchGroups } from './prefetch';
import type { RateGates } from './rate-gates';

/** What the processor needs from its composition root. */
export interface SyncProcessorDeps {
  dataSource: DataSource;
  secretBox: SecretBox;
  gates: RateGates;
  tokenCache: TokenCache;
  /** Where vendor requests may go (the SSRF guard); from the base config. Absent only in tests that script the vendor. */
  outbound?: OutboundPolicy;
  logger: Logger;
  /** Counts every vendor response and rate-limit wait of the sync's requests (and the hourly usage). */
  metrics?: TrustSyncMetrics;
  maxInCallRetryWaitMs: number;
  /** Builds connectors; the vendor registry unless a test scripts one. */
  connectorFactory?: ConnectorFactory;
  /** Called after each committed page (metrics, tests). */
  onPage?: (info: { integrationId: string; stream: string; records: number }) => void;
  /**
   * Called after each committed page that created or changed platform entities, with their ids
   * (`device_posture` pages report the devices they changed as `device`). Posture evaluation and
   * pushes hang off this; a failure here is logged and never fails the sync.
   */
  onEntitiesChanged?: (change: { integrationId: string; syncId: string; entity: Exclude<StreamEntity, 'device_posture'>; platformIds: string[] }) => Promise<void>;
}

/** A sync job's result, kept on the completed job for Bull Board. */
export interface SyncJobResult {
  syncId: string;
  outcome: 'completed' | 'skipped';
  totals?: SyncProgress['totals'];
}

/**
 * Pages fetched ahead of the one being written. One is not enough: the fetcher then idles
 * whenever a page arrives before the previous write ends, and a slow page stalls the writer.
 * Four pages of 300 records cost a few MB.
 */
const READ_AHEAD_PAGES = 4;

/**
 * Pages that have already arrived when the writer gets to them are committed together, up to this
 * many: one transaction and one statement of each kind for all of them instead of one per page.
 */
const MAX_PAGES_PER_WRITE = 4;

/**
 * Splits arrived pages into runs that can be written as one: a run never holds one external id
 * twice, so its counts are those of writing its pages one by one (a repeated id, as an offset
 * paging shift can produce, would be merged inside one write and counted once).
 */
export function writableRuns<P extends { records: unknown[] }>(pages: P[]): P[][] {
  const runs: P[][] = [];
  let run: P[] = [];
  let ids = new Set<unknown>();
  for (const page of pages) {
    const pageIds = page.records.map((r) => (r as { externalId?: unknown })?.externalId);
    if (run.length > 0 && pageIds.some((id) => ids.has(id))) {
      runs.push(run);
      run = [];
      ids = new Set();
    }
    run.push(page);
    for (const id of pageIds) ids.add(id);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** A stream that created this many rows refreshes planner statistics before the next one runs. */
const ANALYZE_AFTER_CREATED = 5000;

/** Which integration switch turns a stream's entity on. */
const SWITCH: Record<StreamEntity, keyof Pick<IntegrationEntity, 'syncDevices' | 'syncUsers' | 'syncPolicies' | 'syncEvents'>> = {
  device: 'syncDevices',
  device_posture: 'syncDevices',
  user: 'syncUsers',
  policy: 'syncPolicies',
  detection: 'syncEvents',
};

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The health an integration gets from a failed sync: auth problems make it unhealthy, others degraded. */
function healthAfterFailure(err: unknown): HealthVerdict {
  const at = new Date().toISOString();
  if (err instanceof ConnectorError && (err.kind === 'auth' || err.kind === 'forbidden')) {
    return { status: 'unhealthy', reason: `${err.status ?? err.kind} from ${err.vendor} at ${at}: ${err.kind === 'auth' ? 'credentials rejected' : 'permission missing'} (${err.message})` };
  }
  return { status: 'degraded', reason: `last sync failed at ${at}: ${describe(err)}` };
}

/**
 * Runs one sync job: claims the sync row, streams every page of every wanted stream from the
 * connector into Postgres (one transaction per page, checkpointed, so a killed job resumes on
 * any worker after its last committed page), marks vanished entities deleted after a
 * successful full sync, and records the outcome on the sync and its integration.
 *
 * Failures steer the queue: auth/forbidden/rejected end the job for good (the integration turns
 * unhealthy); a 429 moves the job back to delayed until the vendor's reset without using an
 * attempt; anything else is retried with backoff, and the last attempt records the sync as failed
 * (or partial when pages were committed). Nothing is deleted by a sync that did not complete.
 */
export function createSyncProcessor(deps: SyncProcessorDeps) {
  const store = new SyncStore(deps.dataSource);

  return async function processSync(job: Job, token?: string): Promise<SyncJobResult> {
    let data: SyncJobData;
    try {
      data = await validatePayload(SyncJobData, job.data);
    } catch (err) {
      throw new UnrecoverableError(`invalid sync job payload: ${describe(err)}`);
    }
    const log = deps.logger.child({ jobId: job.id, syncId: data.syncId, integrationId: data.integrationId });
    const run = await beginSyncRun(deps.dataSource, data.syncId);
    if (!run) {
      log.info('sync already finished; nothing to do');
      return { syncId: data.syncId, outcome: 'skipped' };
    }
    let progress = run.progress;
    const resumed = Object.keys(progress.checkpoint).length > 0;
    const integration = await deps.dataSource.getRepository(IntegrationEntity).findOneBy({ id: data.integrationId });
    if (!integration || !integration.enabled) {
      await finishSyncRun(deps.dataSource, {
        syncId: data.syncId,
        integrationId: data.integrationId,
        outcome: 'failed',
        errorMessage: integration ? 'integration is disabled' : 'integration no longer exists',
        health: { status: 'degraded', reason: 'sync requested while disabled' },
      }).catch(() => undefined);
      return { syncId: data.syncId, outcome: 'skipped' };
    }

    try {
      const gate = deps.gates.for(integration);
      const connector = (deps.connectorFactory ?? createConnector)({
        integration: toIntegrationView(integration),
        credentials: openCredentials(integration, deps.secretBox),
        gate,
        logger: log,
        tokenCache: deps.tokenCache,
        outbound: deps.outbound,
        now: () => new Date(),
        onResponse: deps.metrics?.vendorResponseHook(integration.integrationType, integration.id, gate),
      });
      const syncType = data.syncType as SyncType;
      const since = syncType === 'incremental' ? await lastCompletedSyncStart(deps.dataSource, integration.id) : null;
      const streams = connector.streams({ syncType, since }).filter((s) => integration[SWITCH[s.entity]]);
      log.info(resumed ? 'sync resumed from checkpoint' : 'sync started', { syncType, streams: streams.map((s) => s.name), checkpoint: resumed ? progress.checkpoint : undefined });

      try {
        for (const stream of streams) await runStream(stream, syncType);
      } finally {
        await connector.close?.();
      }

      // Deletion is decided only here, after every stream completed; a full sync that lists
      // records from a complete stream is the only evidence that the others are gone.
      // An entity type is listed in full only when every stream of it is complete (several streams
      // may write one type: Zscaler's five policy streams). Each complete stream stored one seen row
      // per unchanged record, counted in its checkpoint.
      const partial = new Set(streams.filter((s) => !s.complete).map((s) => s.entity));
      const listed = syncType === 'full' ? streams.filter((s) => s.complete && s.entity !== 'device_posture' && !partial.has(s.entity)) : [];
      const complete = [...new Set(listed.map((s) => s.entity))];
      const expectedSeen = listed.reduce((n, s) => n + (progress.checkpoint[s.name]?.unchanged ?? 0), 0);
      const found = await store.markUnseenDeleted(integration.id, data.syncId, complete, expectedSeen);
      if (!found) log.warn('seen set incomplete (Postgres restarted during the sync): deletion deferred to the next full sync');
      const deleted = found ?? {};
      await finishSyncRun(deps.dataSource, {
        syncId: data.syncId,
        integrationId: integration.id,
        outcome: 'completed',
        deleted,
        errorDetails: found ? null : { deletion: 'deferred: seen set incomplete after a Postgres restart' },
        health: { status: 'healthy', reason: null },
      });
      await store.clearSeen(data.syncId);
      // Changes the pull saw that the vendor should have announced by webhook: a broken webhook setup shows here.
      const missed = await countMissedWebhooks(deps.dataSource, data.syncId).catch((err) => (log.warn('missed webhooks not counted', { err }), null));
      const totals = { ...progress.totals, deleted: Object.values(deleted).reduce((a, b) => a + b, 0) };
      log.info('sync completed', { syncType, ...totals, entity_counts: progress.entityCounts, missed_webhooks: missed?.missed });
      return { syncId: data.syncId, outcome: 'completed', totals };
    } catch (err) {
      return handleFailure(err);
    }

    // Advances `progress` page by page, so a failure mid-stream still knows what was committed.
    async function runStream(stream: StreamSpec, syncType: SyncType): Promise<void> {
      const saved = progress.checkpoint[stream.name];
      if (saved?.done) return;
      const trackSeen = syncType === 'full' && stream.complete;
      let pages = 0;
      let waitedFrom = Date.now();
      let ended = false;
      for await (const arrived of prefetchGroups(stream.pages(saved?.cursor ?? null), READ_AHEAD_PAGES, MAX_PAGES_PER_WRITE)) {
        const fetchMs = Date.now() - waitedFrom;
        for (const run of writableRuns(arrived)) {
          const last = run[run.length - 1];
          const records = run.length === 1 ? last.records : run.flatMap((p) => p.records);
          const writeStart = Date.now();
          const written = await store.writePage({ integrationId: data.integrationId, syncId: data.syncId, entity: stream.entity, records, trackSeen }, progress, stream.name, last.nextCursor);
          progress = written.progress;
          pages += run.length;
          log.debug('pages committed', { stream: stream.name, pages: run.length, records: records.length, waitMs: fetchMs, writeMs: Date.now() - writeStart });
          if (written.changed.length > 0 && deps.onEntitiesChanged) {
            const entity = stream.entity === 'device_posture' ? 'device' : stream.entity;
            await deps.onEntitiesChanged({ integrationId: data.integrationId, syncId: data.syncId, entity, platformIds: written.changed }).catch((err) => log.warn('change hook failed', { err }));
          }
          for (const page of run) deps.onPage?.({ integrationId: data.integrationId, stream: stream.name, records: page.records.length });
          ended = last.nextCursor === null;
          if (ended) break;
        }
        waitedFrom = Date.now();
        if (ended) break;
      }
      if (pages === 0 || !progress.checkpoint[stream.name]?.done) progress = await store.finishStream(data.syncId, progress, stream.name);
      if ((progress.entityCounts[stream.entity]?.created ?? 0) >= ANALYZE_AFTER_CREATED) await store.refreshStatistics(stream.entity);
    }

    async function handleFailure(err: unknown): Promise<never> {
      if (err instanceof ConnectorError && err.kind === 'rate_limited') {
        const until = err.retryAt ?? new Date(Date.now() + 60_000);
        log.warn('vendor rate limit: sync delayed until the vendor resets', { retryAt: until.toISOString() });
        if (token) {
          await job.moveToDelayed(until.getTime(), token);
          throw new DelayedError();
        }
      }
      const permanent = err instanceof ConnectorError && ['auth', 'forbidden', 'rejected', 'unsupported'].includes(err.kind);
      const lastAttempt = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      log.warn('sync attempt failed', { err, permanent, lastAttempt, attempt: job.attemptsMade + 1 });
      if (lastAttempt) {
        const committed = progress.totals.processed > 0;
        await finishSyncRun(deps.dataSource, {
          syncId: data.syncId,
          integrationId: data.integrationId,
          outcome: committed ? 'partial' : 'failed',
          errorMessage: describe(err),
          errorDetails: err instanceof ConnectorError ? { kind: err.kind, vendor: err.vendor, status: err.status ?? null, retry_at: err.retryAt?.toISOString() ?? null } : { kind: 'internal' },
          health: healthAfterFailure(err),
        });
        await store.clearSeen(data.syncId);
      }
      if (permanent) throw new UnrecoverableError(describe(err));
      throw err;
    }
  };
}
