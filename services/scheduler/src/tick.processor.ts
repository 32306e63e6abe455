import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { SyncType } from '@trustsync/connectors';
import type { Logger } from '@trustsync/core';
import { IntegrationEntity, requestSync } from '@trustsync/db';
import { ScheduleTickData, enqueueSync, scheduleIdOf, validatePayload } from '@trustsync/queue';

/** What a tick did. */
export interface TickResult {
  outcome: 'enqueued' | 'coalesced' | 'unscheduled';
  syncId?: string;
}

/**
 * Handles a schedule tick like the API handles a trigger: a pending sync row (or the one already
 * pending or running, coalesced), then its job with the sync id as job id. A tick for an
 * integration that is gone or no longer syncing removes its own scheduler at once, instead of
 * waiting for the next reconciliation.
 */
export function createTickProcessor(deps: { dataSource: DataSource; syncQueue: Queue; scheduleQueue: Queue; logger: Logger }) {
  return async function processTick(job: Job): Promise<TickResult> {
    let data: ScheduleTickData;
    try {
      data = await validatePayload(ScheduleTickData, job.data);
    } catch (err) {
      throw new UnrecoverableError(`invalid schedule tick: ${err instanceof Error ? err.message : String(err)}`);
    }
    const integration = await deps.dataSource.getRepository(IntegrationEntity).findOneBy({ id: data.integrationId });
    if (!integration || !integration.enabled || !integration.syncEnabled) {
      await deps.scheduleQueue.removeJobScheduler(scheduleIdOf(data.integrationId, data.syncType));
      deps.logger.info('schedule removed: integration no longer syncs', { integrationId: data.integrationId, syncType: data.syncType });
      return { outcome: 'unscheduled' };
    }
    const { sync, coalesced } = await requestSync(deps.dataSource, { integrationId: integration.id, syncType: data.syncType, triggeredBy: 'scheduler' });
    // A coalesced sync still pending may be one whose enqueue failed; the job id is the sync id, so this is harmless.
    if (!coalesced || sync.status === 'pending') {
      await enqueueSync(deps.syncQueue, { syncId: sync.id, integrationId: integration.id, syncType: sync.syncType as SyncType, triggeredBy: 'scheduler' });
    }
    return { outcome: coalesced ? 'coalesced' : 'enqueued', syncId: sync.id };
  };
}
