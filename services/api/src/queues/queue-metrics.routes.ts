import { Router } from 'express';
import type { Queue } from 'bullmq';
import { UnavailableError } from '@trustsync/core';
import { withDeadline } from '../http/deadline';

/** The states a worker still has to get through: what KEDA scales on. */
const BACKLOG_STATES = ['waiting', 'prioritized', 'delayed', 'active'] as const;

/** One queue's backlog, as the metrics endpoint reports it. */
export interface QueueDepth {
  waiting: number;
  prioritized: number;
  delayed: number;
  active: number;
  /** waiting + prioritized + delayed + active. */
  total: number;
}

/** Reads the backlog of each queue, keyed by queue name. */
export async function readQueueDepths(queues: Queue[]): Promise<Record<string, QueueDepth>> {
  const entries = await Promise.all(
    queues.map(async (q) => {
      const c = await q.getJobCounts(...BACKLOG_STATES);
      const depth = { waiting: c.waiting ?? 0, prioritized: c.prioritized ?? 0, delayed: c.delayed ?? 0, active: c.active ?? 0 };
      return [q.name, { ...depth, total: depth.waiting + depth.prioritized + depth.delayed + depth.active }] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * `GET /queues/metrics`: per-queue backlog for KEDA's metrics-api trigger (`valueLocation:
 * queues.sync.total`). BullMQ keeps prioritised and delayed jobs outside the wait list, which
 * is why the plain Redis list scaler undercounts.
 */
export function queueMetricsRouter(queues: Queue[], timeoutMs: number): Router {
  const router = Router();
  router.get('/queues/metrics', async (_req, res) => {
    let depths: Record<string, QueueDepth>;
    try {
      depths = await withDeadline(readQueueDepths(queues), timeoutMs, 'queue depth');
    } catch (err) {
      throw new UnavailableError('queue depths unavailable: Redis does not answer', { cause: err });
    }
    res.json({ queues: depths, at: new Date().toISOString() });
  });
  return router;
}
