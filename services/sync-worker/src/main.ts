import { Worker } from 'bullmq';
import { createLogger, onShutdown, startHealthServer } from '@trustsync/core';
import { addVendorUsage, createDataSource } from '@trustsync/db';
import { createMetrics, metricsRoute } from '@trustsync/metrics';
import { QUEUE_NAMES, RedisTokenCache, createRateGateFactory, createRedis, enqueueEvaluationForChange, openQueue } from '@trustsync/queue';
import { loadSyncWorkerConfig } from './config';
import { RateGates } from './rate-gates';
import { startStrandedSweeper } from './stranded-sweeper';
import { createSyncProcessor } from './sync.processor';
import { readHealthCheckConfig } from './health-check.config';
import { startHealthChecks } from './health-check.runner';
import { attachSyncMetrics } from './sync-metrics';

// Composition root: config → adapters → wait for Postgres and Redis → consume → shutdown hooks.
async function main(): Promise<void> {
  const config = loadSyncWorkerConfig();
  const healthCheckConfig = readHealthCheckConfig();
  const logger = createLogger({ service: 'sync-worker', level: config.logLevel });
  if (config.usingDevSecretKey) logger.warn('using the insecure development secret key: set TRUSTSYNC_SECRET_KEYS outside development');

  const dataSource = createDataSource({ url: config.databaseUrl, poolSize: config.concurrency + 2, applicationName: 'trustsync-sync-worker' });
  await dataSource.initialize();
  const redis = createRedis(config.redisUrl, 'worker');
  await redis.ping();
  // Every replica and job type shares one clustered budget per vendor tenant.
  const gateRedis = createRedis(config.redisUrl, 'worker');
  const gates = new RateGates(createRateGateFactory(gateRedis, config.queuePrefix, { logger }), config.secretBox);
  const workerRedis = createRedis(config.redisUrl, 'worker');
  const queue = openQueue(QUEUE_NAMES.sync, redis, config.queuePrefix);
  // Changed devices and detections are handed to the push worker for posture evaluation.
  const pushQueue = openQueue(QUEUE_NAMES.push, redis, config.queuePrefix);

  const metrics = createMetrics('sync-worker', { keepVendorUsage: true });
  let accepting = true;
  const worker = new Worker(
    QUEUE_NAMES.sync,
    createSyncProcessor({ dataSource, secretBox: config.secretBox, gates, tokenCache: new RedisTokenCache(redis, config.queuePrefix), outbound: config.outbound, logger, metrics, maxInCallRetryWaitMs: config.maxInCallRetryWaitMs, onEntitiesChanged: async (change) => void (await enqueueEvaluationForChange(pushQueue, change, 'sync')) }),
    {
      connection: workerRedis,
      prefix: config.queuePrefix,
      concurrency: config.concurrency,
      lockDuration: config.lockDurationMs,
      stalledInterval: config.stalledIntervalMs,
      maxStalledCount: 3,
      maxStartedAttempts: 50,
    },
  );
  worker.on('error', (err) => logger.warn('worker error', { err }));
  attachSyncMetrics(worker, dataSource, metrics, logger);
  metrics.watchQueues([queue]);
  const stopUsageFlush = metrics.vendorUsage!.startFlushing((counts) => addVendorUsage(dataSource, counts), healthCheckConfig.usageFlushEveryMs, (err) => logger.warn('vendor usage not flushed; kept for the next round', { err }));
  const healthChecks = startHealthChecks({ dataSource, secretBox: config.secretBox, gates, tokenCache: new RedisTokenCache(redis, config.queuePrefix), outbound: config.outbound, logger, metrics, connection: redis, redisUrl: config.redisUrl, prefix: config.queuePrefix, config: healthCheckConfig });
  worker.on('failed', (job, err) => logger.warn('sync job failed', { jobId: job?.id, err }));
  const stopSweeper = startStrandedSweeper({ dataSource, queue, logger, olderThanMs: config.strandedAfterMs });

  const health = config.healthPort === undefined ? undefined : await startHealthServer(config.healthPort, {
    ready: async () => accepting && dataSource.isInitialized && (await redis.ping()) === 'PONG',
    routes: { '/metrics': metricsRoute(metrics) },
  });
  logger.info('sync worker started', { concurrency: config.concurrency, prefix: config.queuePrefix, healthPort: health?.port });

  onShutdown(logger, config.shutdownDeadlineMs, [
    { name: 'stop intake', run: async () => { accepting = false; stopSweeper(); } },
    // Running jobs finish or are left to the stall check: their last committed page is their checkpoint.
    {
      name: 'close worker',
      run: async () => {
        // BullMQ's close() hands every later call the first call's promise, so a close(true) after a graceful
        // close() still waits for the jobs (and used up the whole deadline). Pausing stops fetching and waits
        // for the running jobs; the one close is forced only when they outlast their share of the deadline:
        // then their locks lapse and another worker resumes them from their last committed page.
        const drained = worker.pause().then(() => true, () => false);
        const inTime = await Promise.race([drained, new Promise<boolean>((r) => setTimeout(() => r(false), config.shutdownDeadlineMs * 0.6).unref())]);
        await worker.close(!inTime);
      },
    },
    { name: 'close health checks', run: () => healthChecks.close() },
    { name: 'close queue', run: () => queue.close() },
    { name: 'close push queue', run: () => pushQueue.close() },
    { name: 'close rate gates', run: () => gates.close() },
    { name: 'close health server', run: async () => health?.server.close() },
    { name: 'close redis', run: async () => { await Promise.allSettled([redis.quit(), workerRedis.quit(), gateRedis.quit()]); } },
    { name: 'flush vendor usage', run: () => stopUsageFlush() },
    { name: 'close postgres', run: () => dataSource.destroy() },
  ]);
}

main().catch((err) => {
  console.error(`sync worker failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
