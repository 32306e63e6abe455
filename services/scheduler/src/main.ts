import { Worker } from 'bullmq';
import { createLogger, onShutdown, startHealthServer } from '@trustsync/core';
import { createDataSource } from '@trustsync/db';
import { attachWorkerMetrics, createMetrics, metricsRoute } from '@trustsync/metrics';
import { QUEUE_NAMES, SCHEDULE_QUEUE, createRedis, openQueue, openScheduleQueue } from '@trustsync/queue';
import { loadSchedulerConfig } from './config';
import { OwnerLease } from './owner-lease';
import { reconcileSchedules } from './schedule-reconciler';
import { createTickProcessor } from './tick.processor';

// Composition root: config → Postgres and Redis → tick worker + lease-gated reconciler → shutdown.
async function main(): Promise<void> {
  const config = loadSchedulerConfig();
  const logger = createLogger({ service: 'scheduler', level: config.logLevel });
  const dataSource = createDataSource({ url: config.databaseUrl, poolSize: 3, applicationName: 'trustsync-scheduler' });
  await dataSource.initialize();
  const redis = createRedis(config.redisUrl, 'worker');
  await redis.ping();
  const workerRedis = createRedis(config.redisUrl, 'worker');
  const syncQueue = openQueue(QUEUE_NAMES.sync, redis, config.queuePrefix);
  const scheduleQueue = openScheduleQueue(redis, config.queuePrefix);

  // Every replica may run ticks (each tick is one job, taken once); only the lease owner reconciles.
  const worker = new Worker(SCHEDULE_QUEUE, createTickProcessor({ dataSource, syncQueue, scheduleQueue, logger }), {
    connection: workerRedis,
    prefix: config.queuePrefix,
    concurrency: 4,
  });
  worker.on('error', (err) => logger.warn('tick worker error', { err }));
  worker.on('failed', (job, err) => logger.warn('schedule tick failed', { jobId: job?.id, err }));
  const metrics = createMetrics('scheduler');
  attachWorkerMetrics(worker, metrics);
  metrics.watchQueues([scheduleQueue]);

  const lease = new OwnerLease(redis, `${config.queuePrefix}:scheduler:owner`, config.leaseTtlMs);
  let accepting = true;
  let running = false;
  const reconcile = async (): Promise<void> => {
    if (running || !accepting) return;
    running = true;
    try {
      if (!(await lease.claim())) return;
      const outcome = await reconcileSchedules(dataSource, scheduleQueue, config.defaultFullSyncIntervalMinutes);
      if (outcome.upserted.length > 0 || outcome.removed.length > 0) logger.info('schedules reconciled', { upserted: outcome.upserted.length, removed: outcome.removed.length, kept: outcome.kept });
    } catch (err) {
      logger.warn('schedule reconciliation failed; retried on the next round', { err });
    } finally {
      running = false;
    }
  };
  const everyMs = Math.min(config.reconcileEveryMs, Math.floor(config.leaseTtlMs / 3));
  const timer = setInterval(() => void reconcile(), everyMs);
  void reconcile();

  const health = config.healthPort === undefined ? undefined : await startHealthServer(config.healthPort, {
    ready: async () => accepting && dataSource.isInitialized && (await redis.ping()) === 'PONG',
    routes: { '/lease': async () => ({ contentType: 'application/json', body: JSON.stringify({ owner: lease.isHeld }) }), '/metrics': metricsRoute(metrics) },
  });
  logger.info('scheduler started', { prefix: config.queuePrefix, healthPort: health?.port, reconcileEveryMs: everyMs });

  onShutdown(logger, config.shutdownDeadlineMs, [
    { name: 'stop intake', run: async () => { accepting = false; clearInterval(timer); } },
    { name: 'release lease', run: () => lease.release() },
    { name: 'close worker', run: () => worker.close() },
    { name: 'close queues', run: async () => { await Promise.allSettled([scheduleQueue.close(), syncQueue.close()]); } },
    { name: 'close health server', run: async () => health?.server.close() },
    { name: 'close redis', run: async () => { await Promise.allSettled([redis.quit(), workerRedis.quit()]); } },
    { name: 'close postgres', run: () => dataSource.destroy() },
  ]);
}

main().catch((err) => {
  console.error(`scheduler failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
