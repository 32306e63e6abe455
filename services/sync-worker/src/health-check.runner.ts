import { Worker } from 'bullmq';
import type IORedis from 'ioredis';
import { attachWorkerMetrics } from '@trustsync/metrics';
import { createRedis } from '@trustsync/queue';
import type { HealthCheckConfig } from './health-check.config';
import { HEALTH_CHECK_QUEUE, createHealthCheckProcessor, openHealthCheckQueue, reconcileHealthChecks, type HealthCheckDeps } from './health-check.processor';

/** The running health checks of one sync worker process. */
export interface HealthChecks {
  close(): Promise<void>;
}

/**
 * Starts the scheduled health checks: a worker on the health check queue and a timer that
 * keeps one job scheduler per enabled integration. `config.everyMs` 0 starts nothing.
 */
export function startHealthChecks(deps: Omit<HealthCheckDeps, 'timeoutMs'> & { connection: IORedis; redisUrl: string; prefix: string; config: HealthCheckConfig }): HealthChecks {
  if (deps.config.everyMs === 0) return { close: async () => undefined };
  const queue = openHealthCheckQueue(deps.connection, deps.prefix);
  // A worker blocks its connection while it waits for jobs, so it gets its own.
  const workerConnection = createRedis(deps.redisUrl, 'worker');
  const worker = new Worker(HEALTH_CHECK_QUEUE, createHealthCheckProcessor({ ...deps, timeoutMs: deps.config.timeoutMs }), {
    connection: workerConnection,
    prefix: deps.prefix,
    concurrency: deps.config.concurrency,
  });
  worker.on('error', (err) => deps.logger.warn('health check worker error', { err }));
  worker.on('failed', (job, err) => deps.logger.warn('health check failed', { jobId: job?.id, integrationId: job?.data?.integrationId, err }));
  if (deps.metrics) attachWorkerMetrics(worker, deps.metrics);
  let running = false;
  const reconcile = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      await reconcileHealthChecks(deps.dataSource, queue, deps.config.everyMs);
    } catch (err) {
      deps.logger.warn('health check schedules not reconciled; retried on the next round', { err });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void reconcile(), deps.config.reconcileEveryMs);
  void reconcile();
  return {
    close: async () => {
      clearInterval(timer);
      await worker.close();
      await queue.close();
      await workerConnection.quit().catch(() => undefined);
    },
  };
}
