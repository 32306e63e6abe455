import type { DataSource } from 'typeorm';
import { IntegrationSyncEntity } from '../entities';
import { emptyProgress, type EntityBreakdown, type SyncProgress } from './sync-store.repository';
import { returnedRows } from './returned-rows';

/** How a sync ended. */
export type SyncOutcome = 'completed' | 'partial' | 'failed';

/** Health an integration is given after a sync, with the reason shown to operators. */
export interface HealthVerdict {
  status: 'healthy' | 'degraded' | 'unhealthy';
  reason: string | null;
}

/** Failed syncs in a row after which scheduling is switched off, unless an integration sets its own number. */
export const DEFAULT_AUTO_DISABLE_AFTER_FAILURES = 20;

function firstRow<T>(raw: unknown): T | undefined {
  return returnedRows<T>(raw)[0];
}

/**
 * Claims a sync for a run: pending → in_progress (a resumed run keeps its start time and
 * checkpoint). Returns null when the sync already finished, so a duplicate job does nothing.
 */
export async function beginSyncRun(ds: DataSource, syncId: string): Promise<{ sync: IntegrationSyncEntity; progress: SyncProgress } | null> {
  const raw = await ds.query(
    `UPDATE integration_syncs SET status = 'in_progress', started_at = COALESCE(started_at, now()), attempts = attempts + 1
     WHERE id = $1 AND status IN ('pending', 'in_progress') RETURNING id`,
    [syncId],
  );
  if (!firstRow(raw)) return null;
  const sync = await ds.getRepository(IntegrationSyncEntity).findOneByOrFail({ id: syncId });
  const progress = emptyProgress();
  progress.checkpoint = (sync.checkpoint ?? {}) as SyncProgress['checkpoint'];
  progress.entityCounts = (sync.entityCounts ?? {}) as unknown as Record<string, EntityBreakdown>;
  progress.totals = {
    processed: sync.itemsProcessed,
    created: sync.itemsCreated,
    updated: sync.itemsUpdated,
    unchanged: sync.itemsUnchanged,
    deleted: sync.itemsDeleted,
    failed: sync.itemsFailed,
  };
  return { sync, progress };
}

/**
 * Ends a sync and updates its integration's statistics and health in the same transaction:
 * a sync row and the integration's counters never disagree.
 */
export async function finishSyncRun(
  ds: DataSource,
  req: {
    syncId: string;
    integrationId: string;
    outcome: SyncOutcome;
    deleted?: Record<string, number>;
    errorMessage?: string | null;
    errorDetails?: Record<string, unknown> | null;
    health: HealthVerdict;
    /** Failed syncs in a row that switch scheduling off when the integration sets no number of its own (0 = never). */
    autoDisableAfterFailures?: number;
  },
): Promise<{ schedulingDisabled: boolean }> {
  const deleted = req.deleted ?? {};
  const deletedTotal = Object.values(deleted).reduce((a, b) => a + b, 0);
  return ds.transaction(async (m) => {
    const row = await m.getRepository(IntegrationSyncEntity).findOneByOrFail({ id: req.syncId });
    const entityCounts = { ...(row.entityCounts as unknown as Record<string, Record<string, number>>) };
    for (const [entity, n] of Object.entries(deleted)) {
      entityCounts[entity] = { processed: 0, created: 0, updated: 0, unchanged: 0, failed: 0, skipped: 0, ...entityCounts[entity], deleted: n };
    }
    await m.query(
      `UPDATE integration_syncs SET status = $2, completed_at = now(),
         duration_ms = GREATEST(0, (EXTRACT(EPOCH FROM (now() - COALESCE(started_at, created_at))) * 1000)::int),
         items_deleted = $3, entity_counts = $4, error_message = $5, error_details = $6
       WHERE id = $1`,
      [req.syncId, req.outcome, deletedTotal, JSON.stringify(entityCounts), req.errorMessage ?? null, req.errorDetails ? JSON.stringify(req.errorDetails) : null],
    );
    await m.query(
      `UPDATE integrations SET total_syncs = total_syncs + 1,
         successful_syncs = successful_syncs + CASE WHEN $2 = 'completed' THEN 1 ELSE 0 END,
         failed_syncs = failed_syncs + CASE WHEN $2 = 'completed' THEN 0 ELSE 1 END,
         last_sync_at = now(), last_sync_status = $2,
         consecutive_failures = CASE WHEN $2 = 'completed' THEN 0 ELSE consecutive_failures + 1 END,
         last_success_at = CASE WHEN $2 = 'completed' THEN now() ELSE last_success_at END,
         health_changed_at = CASE WHEN health_status IS DISTINCT FROM $3 THEN now() ELSE health_changed_at END,
         health_status = $3, health_reason = $4, last_health_check = now()
       WHERE id = $1`,
      [req.integrationId, req.outcome, req.health.status, req.health.reason],
    );
    // Scheduling goes off through sync_enabled, which the scheduler already honours; the marker
    // tells an automatic stop from an operator's choice, so only the former is undone by a test.
    const disabled = await m.query(
      `UPDATE integrations SET sync_enabled = false, scheduling_disabled_at = now(),
         scheduling_disabled_reason = format('scheduling disabled after %s consecutive failed syncs; last: %s', consecutive_failures, coalesce($3, 'no error recorded')),
         health_changed_at = CASE WHEN health_status <> 'unhealthy' THEN now() ELSE health_changed_at END,
         health_status = 'unhealthy',
         health_reason = format('scheduling disabled after %s consecutive failed syncs; last: %s', consecutive_failures, coalesce($3, 'no error recorded'))
       WHERE id = $1 AND sync_enabled AND scheduling_disabled_at IS NULL
         AND coalesce(auto_disable_after_failures, $2) > 0 AND consecutive_failures >= coalesce(auto_disable_after_failures, $2)
       RETURNING id`,
      [req.integrationId, req.autoDisableAfterFailures ?? DEFAULT_AUTO_DISABLE_AFTER_FAILURES, req.errorMessage ?? req.health.reason],
    );
    return { schedulingDisabled: firstRow(disabled) !== undefined };
  });
}

/** When the last completed sync of an integration started: the `since` of an incremental sync. */
export async function lastCompletedSyncStart(ds: DataSource, integrationId: string): Promise<Date | null> {
  const rows: Array<{ started_at: Date }> = await ds.query(
    `SELECT started_at FROM integration_syncs WHERE integration_id = $1 AND status = 'completed' AND direction = 'pull'
     ORDER BY started_at DESC LIMIT 1`,
    [integrationId],
  );
  return rows[0]?.started_at ?? null;
}
