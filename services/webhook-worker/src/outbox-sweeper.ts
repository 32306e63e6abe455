import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { Logger } from '@trustsync/core';
import { findOutboxEvents, markEventsEnqueued } from '@trustsync/db';
import { clearFinishedWebhookJob, enqueueWebhookEvents } from '@trustsync/queue';

/** Settings of the outbox sweeper. */
export interface OutboxSweeperDeps {
  dataSource: DataSource;
  webhookQueue: Queue;
  logger: Logger;
  /** A never-enqueued event younger than this is left to the ingress, which may still be enqueuing it. */
  afterMs: number;
  /** An enqueued event pending longer than this has its job checked (Redis may have lost it). */
  recheckAfterMs: number;
  everyMs: number;
  batchSize?: number;
}

/** One pass of the sweeper: what it enqueued and what it found already queued. */
export interface SweepOutcome {
  enqueued: number;
  alreadyQueued: number;
}

/**
 * The outbox of the webhook ingress: events committed to Postgres whose job did not reach Redis
 * (the ingress answered 2xx, then the enqueue failed) are enqueued here. Job ids are event ids, so
 * racing the ingress or another replica adds nothing twice; a finished job left over from before
 * a replay is removed first, or it would swallow the new one.
 */
export async function sweepOutbox(deps: OutboxSweeperDeps): Promise<SweepOutcome> {
  const due = await findOutboxEvents(deps.dataSource, { unenqueuedOlderThanMs: deps.afterMs, reenqueueAfterMs: deps.recheckAfterMs, limit: deps.batchSize ?? 500 });
  const toEnqueue: string[] = [];
  const queued: string[] = [];
  for (const e of due) (await clearFinishedWebhookJob(deps.webhookQueue, e.id) ? toEnqueue : queued).push(e.id);
  await enqueueWebhookEvents(deps.webhookQueue, toEnqueue);
  await markEventsEnqueued(deps.dataSource, [...toEnqueue, ...queued]);
  if (toEnqueue.length > 0) deps.logger.warn('outbox: webhook events enqueued by the sweeper', { events: toEnqueue.length });
  return { enqueued: toEnqueue.length, alreadyQueued: queued.length };
}

/** Runs `sweepOutbox` every `everyMs` (never two passes at once); returns the stop function. */
export function startOutboxSweeper(deps: OutboxSweeperDeps): () => void {
  let running = false;
  const tick = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      await sweepOutbox(deps);
    } catch (err) {
      deps.logger.debug('outbox sweep skipped', { err });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), deps.everyMs);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
