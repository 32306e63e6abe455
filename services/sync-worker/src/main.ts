import { Worker } from 'bullmq';
import { createLogger, onShutdown } from '@trustsync/core';
import { createDataSource } from '@trustsync/db';
import { QUEUE_NAMES, RedisTokenCache, createRedis, openQueue } from '@trustsync/queue';
import { loadSyncWorkerConfig } from './config';
import { startHealthServer } from './health-server';
import { RateGates } from './rate-gates';
import { startStrandedSweeper } from './stranded-sweeper';
import { createSyncProcessor } from './sync.processor';

// Composition root: config → adapters → wait for Postgres and Redis → consume → shutdown hooks.
async function main(): Promise<void> {
  const config = loadSyncWorkerConfig();
  const logger = createLogger({ service: 'sync-worker', level: config.logLevel });
  if (config.usingDevSecretKey) logger.warn('using the insecure development secret key: set TRUSTSYNC_SECRET_KEYS outside development');

  const dataSource = createDataSource({ url: config.databaseUrl, poolSize: config.concurrency + 2, applicationName: 'trustsync-sync-worker' });
  await dataSource.initialize();
  const redis = createRedis(config.redisUrl, 'worker');
  await redis.ping();
  const gates = new RateGates();
  const queue = openQueue(QUEUE_NAMES.sync, redis, config.queuePrefix);

  let accepting = true;
  const worker = new Worker(
    QUEUE_NAMES.sync,
    createSyncProcessor({ dataSource, secretBox: config.secretBox, gates, tokenCache: new RedisTokenCache(redis, config.queuePrefix), logger, maxInCallRetryWaitMs: config.maxInCallRetryWaitMs }),
    {
      connection: createRedis(config.redisUrl, 'worker'),
      prefix: config.queuePrefix,
      concurrency: config.concurrency,
      lockDuration: config.lockDurationMs,
      stalledInterval: 30_000,
      maxStalledCount: 3,
      maxStartedAttempts: 50,
    },
  );
  worker.on('error', (err) => logger.warn('worker error', { err }));
  worker.on('failed', (job, err) => logger.warn('sync job failed', { jobId: job?.id, err }));
  const stopSweeper = startStrandedSweeper({ dataSource, queue, logger, olderThanMs: config.strandedAfterMs });

  const health = config.healthPort === undefined ? undefined : await startHealthServer(config.healthPort, {
    ready: async () => accepting && dataSource.isInitialized && (await redis.ping()) === 'PONG',
  });
  logger.info('sync worker started', { concurrency: config.concurrency, prefix: config.queuePrefix, healthPort: health?.port });

  onShutdown(logger, config.shutdownDeadlineMs, [
    { name: 'stop intake', run: async () => { accepting = false; stopSweeper(); } },
    // Running jobs finish or are left to the stall check: their last committed page is their checkpoint.
    { name: 'close worker', run: () => worker.close() },
    { name: 'close queue', run: () => queue.close() },
    { name: 'close rate gates', run: () => gates.close() },
    { name: 'close health server', run: async () => health?.server.close() },
    { name: 'close redis', run: async () => redis.quit() },
    { name: 'close postgres', run: () => dataSource.destroy() },
  ]);
}

main().catch((err) => {
  console.error(`sync worker failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
