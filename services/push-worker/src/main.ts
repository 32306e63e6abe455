import { Worker } from 'bullmq';
import { createLogger, onShutdown, startHealthServer } from '@trustsync/core';
import { addVendorUsage, createDataSource, openCredentials, type IntegrationEntity } from '@trustsync/db';
import { attachWorkerMetrics, createMetrics, metricsRoute } from '@trustsync/metrics';
import { IntegrationRateGates, QUEUE_NAMES, RedisTokenCache, createRateGateFactory, createRedis, openQueue } from '@trustsync/queue';
import { loadPushWorkerConfig } from './config';
import { requestOverdueActivations } from './push-activation.handler';
import { createPushProcessor } from './push.processor';
import type { PushWorkerDeps } from './push-worker.deps';

const ACTIVATION_SWEEP_MS = 60_000;

// Composition root: config → adapters → wait for Postgres and Redis → consume → shutdown hooks.
async function main(): Promise<void> {
  const config = loadPushWorkerConfig();
  const logger = createLogger({ service: 'push-worker', level: config.logLevel });
  if (config.usingDevSecretKey) logger.warn('using the insecure development secret key: set TRUSTSYNC_SECRET_KEYS outside development');

  const dataSource = createDataSource({ url: config.databaseUrl, poolSize: Math.min(config.concurrency + 2, 20), applicationName: 'trustsync-push-worker' });
  await dataSource.initialize();
  const redis = createRedis(config.redisUrl, 'worker');
  await redis.ping();
  // Pushes and commands share each vendor tenant's clustered budget with the sync workers.
  const gateRedis = createRedis(config.redisUrl, 'worker');
  const gates = new IntegrationRateGates(createRateGateFactory(gateRedis, config.queuePrefix, { logger }), (i) => openCredentials(i as IntegrationEntity, config.secretBox).client_id ?? null);
  const pushQueue = openQueue(QUEUE_NAMES.push, redis, config.queuePrefix);

  // Pushes and commands call vendors too; their counts join the other processes' in the hourly usage table.
  const metrics = createMetrics('push-worker', { keepVendorUsage: true });
  const stopUsageFlush = metrics.vendorUsage!.startFlushing((counts) => addVendorUsage(dataSource, counts), config.usageFlushEveryMs, (err) => logger.warn('vendor usage not flushed; kept for the next round', { err }));

  let accepting = true;
  const deps: PushWorkerDeps = {
    dataSource,
    secretBox: config.secretBox,
    gateFor: (integration) => gates.for(integration),
    tokenCache: new RedisTokenCache(redis, config.queuePrefix),
    outbound: config.outbound,
    logger,
    metrics,
    pushQueue,
    rules: config.rules,
    riskWeights: config.riskWeights,
    pushBaseline: config.pushBaseline,
    commandPollMs: config.commandPollMs,
    commandTimeoutMs: config.commandTimeoutMs,
    activationDebounceMs: config.activationDebounceMs,
    activationMaxWaitMs: config.activationMaxWaitMs,
  };
  const processor = createPushProcessor(deps);
  const worker = new Worker(QUEUE_NAMES.push, processor, {
    connection: createRedis(config.redisUrl, 'worker'),
    prefix: config.queuePrefix,
    concurrency: config.concurrency,
    lockDuration: config.lockDurationMs,
    maxStalledCount: 3,
  });
  worker.on('error', (err) => logger.warn('worker error', { err }));
  worker.on('failed', (job, err) => logger.warn('push job failed', { jobId: job?.id, job: job?.name, err: err.message }));
  attachWorkerMetrics(worker, metrics);
  metrics.watchQueues([pushQueue]);
  // Staged pushes whose activation request was lost would wait forever: ask again for the overdue ones.
  const sweepActivations = (): void =>
    void requestOverdueActivations(deps)
      .then((ids) => ids.length && logger.warn('asked again for overdue activations', { integrations: ids }))
      .catch((err) => logger.warn('overdue activation sweep failed', { err }));
  const activationSweep = setInterval(sweepActivations, ACTIVATION_SWEEP_MS);
  activationSweep.unref();
  sweepActivations();

  const health = config.healthPort === undefined ? undefined : await startHealthServer(config.healthPort, {
    ready: async () => accepting && dataSource.isInitialized && (await redis.ping()) === 'PONG',
    routes: { '/metrics': metricsRoute(metrics) },
  });
  logger.info('push worker started', { concurrency: config.concurrency, prefix: config.queuePrefix, healthPort: health?.port });

  onShutdown(logger, config.shutdownDeadlineMs, [
    { name: 'stop intake', run: async () => { accepting = false; clearInterval(activationSweep); } },
    // A push in flight either finishes or is picked up again after the stall check; its row stops a double send.
    { name: 'close worker', run: () => worker.close() },
    { name: 'flush vendor usage', run: () => stopUsageFlush() },
    { name: 'close queue', run: () => pushQueue.close() },
    { name: 'close rate gates', run: () => gates.close() },
    { name: 'close health server', run: async () => health?.server.close() },
    { name: 'close redis', run: async () => { await Promise.allSettled([redis.quit(), gateRedis.quit()]); } },
    { name: 'close postgres', run: () => dataSource.destroy() },
  ]);
}

main().catch((err) => {
  console.error(`push worker failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
