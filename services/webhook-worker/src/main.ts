import { Worker } from 'bullmq';
import { createLogger, onShutdown, startHealthServer } from '@trustsync/core';
import { createDataSource } from '@trustsync/db';
import { attachWorkerMetrics, createMetrics, metricsRoute } from '@trustsync/metrics';
import { QUEUE_NAMES, createRedis, enqueueEvaluationForChange, openQueue, type EntityChange } from '@trustsync/queue';
import { loadWebhookWorkerConfig } from './config';
import { startOutboxSweeper } from './outbox-sweeper';
import { createWebhookProcessor } from './webhook.processor';

// Composition root: config → adapters → wait for Postgres and Redis → consume → shutdown hooks.
async function main(): Promise<void> {
  const config = loadWebhookWorkerConfig();
  const logger = createLogger({ service: 'webhook-worker', level: config.logLevel });
  if (config.usingDevSecretKey) logger.warn('using the insecure development secret key: set TRUSTSYNC_SECRET_KEYS outside development');

  const dataSource = createDataSource({ url: config.databaseUrl, poolSize: 6, applicationName: 'trustsync-webhook-worker' });
  await dataSource.initialize();
  const redis = createRedis(config.redisUrl, 'worker');
  await redis.ping();
  const syncQueue = openQueue(QUEUE_NAMES.sync, redis, config.queuePrefix);
  const webhookQueue = openQueue(QUEUE_NAMES.webhook, redis, config.queuePrefix);
  const pushQueue = openQueue(QUEUE_NAMES.push, redis, config.queuePrefix);

  let accepting = true;
  // Changed devices and detections are evaluated by the push worker, as after a sync page.
  const onEntitiesChanged = async (change: EntityChange) => void (await enqueueEvaluationForChange(pushQueue, change, 'webhook'));
  const worker = new Worker(QUEUE_NAMES.webhook, createWebhookProcessor({ dataSource, syncQueue, webhookQueue, logger, onEntitiesChanged }), {
    connection: createRedis(config.redisUrl, 'worker'),
    prefix: config.queuePrefix,
    concurrency: config.concurrency,
    lockDuration: config.lockDurationMs,
    // A killed worker's jobs run again once their lock has lapsed (checked at most every 30 s).
    stalledInterval: Math.min(30_000, config.lockDurationMs),
    maxStalledCount: 3,
  });
  worker.on('error', (err) => logger.warn('worker error', { err }));
  worker.on('failed', (job, err) => logger.warn('webhook job failed', { jobId: job?.id, err }));
  const metrics = createMetrics('webhook-worker');
  attachWorkerMetrics(worker, metrics);
  metrics.watchQueues([webhookQueue]);
  const stopSweeper = startOutboxSweeper({ dataSource, webhookQueue, logger, afterMs: config.outboxAfterMs, recheckAfterMs: config.outboxRecheckAfterMs, everyMs: config.outboxEveryMs });

  const health = config.healthPort === undefined ? undefined : await startHealthServer(config.healthPort, {
    ready: async () => accepting && dataSource.isInitialized && (await redis.ping()) === 'PONG',
    routes: { '/metrics': metricsRoute(metrics) },
  });
  logger.info('webhook worker started', { concurrency: config.concurrency, prefix: config.queuePrefix, healthPort: health?.port });

  onShutdown(logger, config.shutdownDeadlineMs, [
    { name: 'stop intake', run: async () => { accepting = false; stopSweeper(); } },
    // A job cut short leaves its event pending; the stall check runs it again and the apply is idempotent.
    { name: 'close worker', run: () => worker.close() },
    { name: 'close queues', run: () => Promise.all([syncQueue.close(), webhookQueue.close(), pushQueue.close()]) },
    { name: 'close health server', run: async () => health?.server.close() },
    { name: 'close redis', run: async () => redis.quit() },
    { name: 'close postgres', run: () => dataSource.destroy() },
  ]);
}

main().catch((err) => {
  console.error(`webhook worker failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
