import type { SyncType } from '@trustsync/connectors';
import { requestSync, type IntegrationEntity } from '@trustsync/db';
import { ConflictError } from '@trustsync/core';
import { enqueueSync } from '@trustsync/queue';
import type { ApiContext } from '../api-context';
import { withDeadline } from '../http/deadline';

/** The answer to a sync trigger. */
export interface SyncTriggerOutcome {
  sync_id: string;
  status: string;
  sync_type: string;
  coalesced: boolean;
  message: string;
}

/**
 * Asks for a sync of an enabled integration: a new pending sync row, or the one already pending
 * or running (coalesced). The row is committed first; if Redis then fails to take the job, the
 * answer is still 202 because the sweeper re-enqueues pending syncs that have no job.
 */
export async function triggerSync(ctx: ApiContext, integration: IntegrationEntity, syncType: SyncType, triggeredBy: string): Promise<SyncTriggerOutcome> {
  if (!integration.enabled) throw new ConflictError(`integration ${integration.id} is disabled; enable it before syncing`, { id: integration.id });
  const { sync, coalesced } = await requestSync(ctx.dataSource, { integrationId: integration.id, syncType, triggeredBy });
  // A coalesced sync that is still pending may be the stranded one; enqueuing it again is harmless (job id = sync id).
  if (!coalesced || sync.status === 'pending') {
    try {
      await withDeadline(
        enqueueSync(ctx.syncQueue, { syncId: sync.id, integrationId: integration.id, syncType: sync.syncType as SyncType, triggeredBy }),
        ctx.enqueueTimeoutMs,
        'sync enqueue',
      );
    } catch (err) {
      ctx.logger.warn('sync recorded but not enqueued; the sweeper will enqueue it', { syncId: sync.id, integrationId: integration.id, err });
    }
  }
  return {
    sync_id: sync.id,
    status: sync.status,
    sync_type: sync.syncType,
    coalesced,
    message: coalesced
      ? `a ${sync.syncType} sync is already ${sync.status} for this integration; this request joined it`
      : `${sync.syncType} sync queued`,
  };
}
