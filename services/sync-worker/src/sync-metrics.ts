import type { Worker } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { Logger } from '@trustsync/core';
import { IntegrationEntity, IntegrationSyncEntity } from '@trustsync/db';
import { attachWorkerMetrics, type SyncItemCounts, type TrustSyncMetrics } from '@trustsync/metrics';

const FINAL = new Set(['completed', 'partial', 'failed']);

/**
 * Job metrics for the sync worker, plus, once a sync has ended for good, its item counts read
 * from the sync row (the one record of what it did, whichever attempt finished it).
 */
export function attachSyncMetrics(worker: Worker, ds: DataSource, metrics: TrustSyncMetrics, logger: Logger): void {
  attachWorkerMetrics(worker, metrics);
  const recordSync = async (syncId: unknown): Promise<void> => {
    if (typeof syncId !== 'string') return;
    const sync = await ds.getRepository(IntegrationSyncEntity).findOneBy({ id: syncId });
    if (!sync || !FINAL.has(sync.status)) return;
    const integration = await ds.getRepository(IntegrationEntity).findOne({ select: { id: true, integrationType: true }, where: { id: sync.integrationId } });
    metrics.syncFinished({
      vendor: integration?.integrationType ?? 'unknown',
      integrationId: sync.integrationId,
      status: sync.status,
      counts: (sync.entityCounts ?? {}) as unknown as SyncItemCounts,
    });
  };
  const onEnd = (syncId: unknown): void => void recordSync(syncId).catch((err) => logger.warn('sync metrics not recorded', { err }));
  // A duplicate job answers `skipped` for a sync another job already finished: counted once.
  worker.on('completed', (job, result: { outcome?: string } | undefined) => {
    if (result?.outcome === 'completed') onEnd(job.data?.syncId);
  });
  worker.on('failed', (job) => onEnd(job?.data?.syncId));
}
