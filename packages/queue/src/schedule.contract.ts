import { IsIn, IsString, Matches } from 'class-validator';
import { Queue, type ConnectionOptions } from 'bullmq';

/**
 * Queue of schedule ticks. Stable forever: renaming it strands the job schedulers stored in Redis.
 * Ticks are not syncs: a tick asks for a sync through the same coalescing path as the API
 * (requestSync, then enqueueSync with the sync id as job id), which scheduler-made jobs cannot carry.
 */
export const SCHEDULE_QUEUE = 'sync-schedule' as const;

/** Job name of a schedule tick. Stable forever. */
export const SCHEDULE_TICK_JOB = 'schedule.tick' as const;

/** The sync types a schedule may ask for. */
export const SCHEDULED_SYNC_TYPES = ['incremental', 'full'] as const;

/** Payload of a tick: which integration, and which cadence fired. */
export class ScheduleTickData {
  @IsString()
  @Matches(/^INT-[0-9A-Z]{12}$/)
  integrationId!: string;

  @IsIn(SCHEDULED_SYNC_TYPES)
  syncType!: (typeof SCHEDULED_SYNC_TYPES)[number];
}

/** The stable job scheduler id of one integration's cadence. */
export function scheduleIdOf(integrationId: string, syncType: ScheduleTickData['syncType']): string {
  return `sync:${integrationId}:${syncType}`;
}

/** Opens the schedule queue; completed ticks are dropped at once, failed ones kept briefly for Bull Board. */
export function openScheduleQueue(connection: ConnectionOptions, prefix: string): Queue {
  const q = new Queue(SCHEDULE_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: true, removeOnFail: { count: 500, age: 24 * 3600 } },
  });
  q.on('error', () => undefined);
  return q;
}
