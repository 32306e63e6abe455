import { markEventsEnqueued } from '@trustsync/db';
import { clearFinishedWebhookJob, enqueueWebhookEvents } from '@trustsync/queue';
import type { ApiContext } from '../api-context';
import { withDeadline } from '../http/deadline';

/**
 * Enqueues events that were just reset to pending for a replay. They go through the worker's
 * ordinary idempotent path. If Redis does not answer, they stay in the outbox (enqueued_at is
 * null) and the sweeper enqueues them, so the replay is still 202.
 */
export async function enqueueReplayed(ctx: ApiContext, eventIds: string[]): Promise<{ enqueued: number }> {
  try {
    const fresh = await withDeadline(
      (async () => {
        const needJob: string[] = [];
        for (const id of eventIds) if (await clearFinishedWebhookJob(ctx.webhookQueue, id)) needJob.push(id);
        await enqueueWebhookEvents(ctx.webhookQueue, needJob);
        return eventIds;
      })(),
      ctx.enqueueTimeoutMs,
      'replay enqueue',
    );
    await markEventsEnqueued(ctx.dataSource, fresh);
    return { enqueued: fresh.length };
  } catch (err) {
    ctx.logger.warn('replayed events reset but not enqueued; the outbox sweeper will enqueue them', { events: eventIds.length, err });
    return { enqueued: 0 };
  }
}
