import { createLogger, onShutdown } from '@trustsync/core';
import { createDataSource } from '@trustsync/db';
import { QUEUE_NAMES, createRedis, openQueue } from '@trustsync/queue';
import { createApp } from './app';
import type { Lifecycle } from './api-context';
import { readApiConfig } from './config';

// Composition root: config, then adapters, then listen, then the orderly shutdown.
async function main(): Promise<void> {
  const config = readApiConfig();
  const logger = createLogger({ service: 'api', level: config.logLevel });
  if (config.usingDevSecretKey) logger.warn('using the insecure development secret key; set TRUSTSYNC_SECRET_KEYS outside development');

  // Migrations are not run here: the one-shot migrate job owns the schema.
  const dataSource = createDataSource({ url: config.databaseUrl, applicationName: 'trustsync-api' });
  await dataSource.initialize();
  const redis = createRedis(config.redisUrl, 'producer');
  const syncQueue = openQueue(QUEUE_NAMES.sync, redis, config.queuePrefix);
  const lifecycle: Lifecycle = { draining: false };

  const app = createApp({
    dataSource,
    syncQueue,
    redis,
    secretBox: config.secretBox,
    logger,
    lifecycle,
    bodyLimit: config.bodyLimit,
    allowPrivateEndpoints: config.allowPrivateEndpoints,
    connectionTestTimeoutMs: config.connectionTestTimeoutMs,
    enqueueTimeoutMs: config.enqueueTimeoutMs,
    readinessTimeoutMs: config.readinessTimeoutMs,
  });
  const server = app.listen(config.port, config.host, () => logger.info('api listening', { host: config.host, port: config.port }));

  onShutdown(logger, config.shutdownDeadlineMs, [
    { name: 'readiness', run: async () => { lifecycle.draining = true; } },
    { name: 'http', run: () => new Promise<void>((resolve) => server.close(() => resolve())) },
    { name: 'sync queue', run: () => syncQueue.close() },
    { name: 'redis', run: () => redis.quit() },
    { name: 'postgres', run: () => dataSource.destroy() },
  ]);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
