import { integrationStatistics, operationsStatistics, type OperationsFigures } from '@trustsync/db';
import type { ApiContext } from '../api-context';
import { withDeadline } from '../http/deadline';
import { snakeKeys } from '../http/snake-case';
import { readQueueDepths, type QueueDepth } from '../queues/queue-metrics.routes';

const NO_OPERATIONS: OperationsFigures = {
  webhookEvents: { received: 0, processed: 0, failed: 0, pending: 0, duplicates: 0 },
  pushesByStatus: {},
  vendorRequests: { last24h: 0, rateLimited24h: 0, serverErrors24h: 0, total: 0, rateLimitedTotal: 0 },
  missedWebhooks: { latest: 0, total: 0 },
};

function operationsView(f: OperationsFigures = NO_OPERATIONS): Record<string, unknown> {
  return {
    webhook_events: f.webhookEvents,
    pushes_by_status: f.pushesByStatus,
    vendor_requests: {
      last_24h: f.vendorRequests.last24h,
      rate_limited_24h: f.vendorRequests.rateLimited24h,
      server_errors_24h: f.vendorRequests.serverErrors24h,
      total: f.vendorRequests.total,
      rate_limited_total: f.vendorRequests.rateLimitedTotal,
    },
    missed_webhooks: f.missedWebhooks,
  };
}

/**
 * The body of `GET /integrations/statistics`: sync figures from the sync rows, webhook events,
 * pushes, vendor requests (the hourly usage table every process adds to) and missed webhooks
 * per integration and overall, and the current queue depths (null when Redis does not answer:
 * the figures from Postgres are still worth answering with).
 */
export async function statisticsBody(ctx: ApiContext): Promise<Record<string, unknown>> {
  const [stats, ops] = await Promise.all([integrationStatistics(ctx.dataSource), operationsStatistics(ctx.dataSource)]);
  const queues = [ctx.syncQueue, ctx.webhookQueue, ctx.pushQueue, ...ctx.monitoredQueues].filter((q, i, all): q is NonNullable<typeof q> => !!q && all.findIndex((o) => o?.name === q.name) === i);
  let depths: Record<string, QueueDepth> | null = null;
  try {
    depths = await withDeadline(readQueueDepths(queues), ctx.readinessTimeoutMs, 'queue depth');
  } catch {
    depths = null;
  }
  return {
    totals: { ...snakeKeys(stats.totals), ...operationsView(ops.totals) },
    integrations: stats.integrations.map((i) => ({ ...snakeKeys(i), ...operationsView(ops.byIntegration.get(i.integrationId)) })),
    queues: depths,
  };
}
