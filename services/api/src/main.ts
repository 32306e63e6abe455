import { createLogger, onShutdown } from '@trustsync/core';
import { addVendorUsage, createDataSource, ensureBootstrapApiKey } from '@trustsync/db';
import { createMetrics } from '@trustsync/metrics';
import { QUEUE_NAMES, createRedis, openQueue, openScheduleQueue } from '@trustsync/queue';
import { createApp } from './app';
import type { Lifecycle } from './api-context';
import { readApiConfig } from './config';
import { readWebhookIngressConfig } from './webhooks/webhook-ingress.config';

// Composition root: config, then adapters, then listen, then the orderly shutdown.
async function main(): Promise<void> {
  const config = readApiConfig();
  const webhookIngress = readWebhookIngressConfig();
  const logger = createLogger({ service: 'api', level: config.logLevel });
  if (config.usingDevSecretKey) logger.warn('using the insecure development secret key; set TRUSTSYNC_SECRET_KEYS outside development');

  // Migrations are not run here: the one-shot migrate job owns the schema.
  const dataSource = createDataSource({ url: config.databaseUrl, applicationName: 'trustsync-api' });
  await dataSource.initialize();
  if (config.bootstrapAdminKey && (await ensureBootstrapApiKey(dataSource, config.bootstrapAdminKey))) logger.info('bootstrap admin API key created');
  const redis = createRedis(config.redisUrl, 'producer');
  const syncQueue = openQueue(QUEUE_NAMES.sync, redis, config.queuePrefix);
  const pushQueue = openQueue(QUEUE_NAMES.push, redis, config.queuePrefix);
  const webhookQueue = openQueue(QUEUE_NAMES.webhook, redis, config.queuePrefix);
  // Opened only to show and count the scheduler's ticks.
  const scheduleQueue = openScheduleQueue(redis, config.queuePrefix);
  const lifecycle: Lifecycle = { draining: false };
  // Connection tests call vendors too; their counts join the workers' in the hourly usage table.
  const metrics = createMetrics('api', { keepVendorUsage: true });
  const stopUsageFlush = metrics.vendorUsage!.startFlushing((counts) => addVendorUsage(dataSource, counts), 10_000, (err) => logger.warn('vendor usage not flushed; kept for the next round', { err }));

  const app = createApp({
    dataSource,
    syncQueue,
    pushQueue,
    webhookQueue,
    webhookIngress,
    monitoredQueues: [scheduleQueue],
    redis,
    secretBox: config.secretBox,
    logger,
    lifecycle,
    bodyLimit: config.bodyLimit,
    allowPrivateEndpoints: config.allowPrivateEndpoints,
    endpointAllowlist: config.outbound.allowedHosts,
    connectionTestTimeoutMs: config.connectionTestTimeoutMs,
    enqueueTimeoutMs: config.enqueueTimeoutMs,
    readinessTimeoutMs: config.readinessTimeoutMs,
    metrics,
  });
  const server = app.listen(config.port, config.host, () => logger.info('api listening', { host: config.host, port: config.port }));

  onShutdown(logger, config.shutdownDeadlineMs, [
    { name: 'readiness', run: async () => { lifecycle.draining = true; } },
    { name: 'http', run: () => new Promise<void>((resolve) => server.close(() => resolve())) },
    { name: 'sync queue', run: () => syncQueue.close() },
    { name: 'push queue', run: () => pushQueue.close() },
    { name: 'webhook queue', run: () => webhookQueue.close() },
    { name: 'schedule queue', run: () => scheduleQueue.close() },
    { name: 'redis', run: () => redis.quit() },
    { name: 'vendor usage', run: () => stopUsageFlush() },
    { name: 'postgres', run: () => dataSource.destroy() },
  ]);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
