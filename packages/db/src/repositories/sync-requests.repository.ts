import type { DataSource } from 'typeorm';
import { newId } from '@trustsync/core';
import { IntegrationSyncEntity } from '../entities';

/** What asking for a sync produced: a new pending sync, or the one already queued or running. */
export interface SyncRequestOutcome {
  sync: IntegrationSyncEntity;
  coalesced: boolean;
}

/**
 * Creates a pending sync row for an integration, unless one is already pending or running:
 * then that one is returned (coalesced). The partial unique index `uq_integration_syncs_one_active`
 * makes this safe under any number of concurrent callers, in any number of processes.
 */
export async function requestSync(
  ds: DataSource,
  req: { integrationId: string; syncType: string; triggeredBy: string | null; direction?: 'pull' | 'push' },
): Promise<SyncRequestOutcome> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const id = newId('SYN');
    const inserted: IntegrationSyncEntity[] = await ds.query(
      `INSERT INTO integration_syncs (id, integration_id, sync_type, direction, status, triggered_by)
       VALUES ($1, $2, $3, $4, 'pending', $5)
       ON CONFLICT (integration_id) WHERE status IN ('pending', 'in_progress') DO NOTHING
       RETURNING id`,
      [id, req.integrationId, req.syncType, req.direction ?? 'pull', req.triggeredBy],
    );
    if (inserted.length === 1) return { sync: await ds.getRepository(IntegrationSyncEntity).findOneByOrFail({ id }), coalesced: false };
    const active = await findActiveSync(ds, req.integrationId);
    // The active sync may have finished between the two statements: then try again.
    if (active) return { sync: active, coalesced: true };
  }
  throw new Error(`could not create or find an active sync for ${req.integrationId}`);
}

/** The pending or running sync of an integration, if any. */
export async function findActiveSync(ds: DataSource, integrationId: string): Promise<IntegrationSyncEntity | null> {
  return ds
    .getRepository(IntegrationSyncEntity)
    .createQueryBuilder('s')
    .where('s.integration_id = :integrationId', { integrationId })
    .andWhere("s.status IN ('pending', 'in_progress')")
    .getOne();
}

/**
 * Syncs left pending for longer than `olderThanMs`: their enqueue may have failed (Redis down
 * after the row was committed). A sweeper enqueues them again; the job id is the sync id, so a
 * job that does exist is not duplicated.
 */
export async function findStrandedSyncs(ds: DataSource, olderThanMs: number, limit = 500): Promise<IntegrationSyncEntity[]> {
  return ds
    .getRepository(IntegrationSyncEntity)
    .createQueryBuilder('s')
    .where("s.status = 'pending'")
    .andWhere('s.created_at < :before', { before: new Date(Date.now() - olderThanMs) })
    .orderBy('s.created_at', 'ASC')
    .limit(limit)
    .getMany();
}
