import { Router } from 'express';
import type { Queue } from 'bullmq';
import { integrationHealthRows } from '@trustsync/db';
import { metricsHandler } from '@trustsync/metrics';
import type { ApiContext } from '../api-context';

/**
 * `GET /metrics` in Prometheus format. The API is the process that exports queue depths and
 * integration health (read on scrape), so one scrape target answers for the whole system.
 */
export function metricsRouter(ctx: ApiContext, queues: Queue[]): Router {
  ctx.metrics.watchQueues(queues);
  ctx.metrics.watchIntegrations(() => integrationHealthRows(ctx.dataSource));
  const router = Router();
  router.get('/metrics', metricsHandler(ctx.metrics));
  return router;
}
