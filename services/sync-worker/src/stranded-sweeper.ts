import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { Logger } from '@trustsync/core';
import { findStrandedSyncs } from '@trustsync/db';
import { enqueueSync } from '@trustsync/queue';

/**
 * Re-enqueues syncs that were committed as pending but whose job never reached Redis (the API
 * answered 202, then Redis was down). Job ids are sync ids, so a job that does exist is untouched.
 * Every replica may run it; that only repeats a no-op.
 */
export function startStrandedSweeper(deps: { dataSource: DataSource; queue: Queue; logger: Logger; olderThanMs: number; everyMs?: number }): () => void {
  let running = false;
  const tick = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      const stranded = await findStrandedSyncs(deps.dataSource, deps.olderThanMs);
      for (const s of stranded) {
        const existing = await deps.queue.getJob(s.id);
        if (existing) continue;
        await enqueueSync(deps.queue, { syncId: s.id, integrationId: s.integrationId, syncType: s.syncType as never, triggeredBy: s.triggeredBy ?? undefined });
        deps.logger.warn('stranded sync enqueued again', { syncId: s.id, integrationId: s.integrationId });
      }
    } catch (err) {
      deps.logger.debug('stranded sweep skipped', { err });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), deps.everyMs ?? 15_000);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
