import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { Queue } from 'bullmq';
import { SYNC_TYPES, type SyncType } from '@trustsync/connectors';
import { QUEUE_NAMES } from './queues';
import { validatePayload } from './payload';

/** Job name of a pull sync. Stable forever. */
export const SYNC_JOB = 'integration.sync' as const;

/**
 * Payload of a sync job: ids only. The sync row in Postgres holds the state (checkpoint,
 * counts); credentials are loaded and decrypted by the worker, never carried here.
 */
export class SyncJobData {
  @IsString()
  @Matches(/^SYN-[0-9A-Z]{12}$/)
  syncId!: string;

  @IsString()
  @Matches(/^INT-[0-9A-Z]{12}$/)
  integrationId!: string;

  @IsIn(SYNC_TYPES)
  syncType!: SyncType;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  triggeredBy?: string;
}

/** Enqueues a sync job whose id is the sync id, so enqueuing twice is harmless. */
export async function enqueueSync(queue: Queue, data: SyncJobData): Promise<string> {
  if (queue.name !== QUEUE_NAMES.sync) throw new Error(`sync jobs go to the ${QUEUE_NAMES.sync} queue, not ${queue.name}`);
  const payload = await validatePayload(SyncJobData, data);
  const job = await queue.add(SYNC_JOB, { ...payload }, { jobId: data.syncId });
  return job.id!;
}
