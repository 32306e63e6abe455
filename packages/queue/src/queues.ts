import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import IORedis, { type RedisOptions } from 'ioredis';

/**
 * Queue names. Renaming one strands the jobs already stored in Redis under the old name,
 * so these are stable forever; a breaking contract change gets a new job name instead.
 */
export const QUEUE_NAMES = {
  sync: 'sync',
  push: 'push',
  webhook: 'webhook',
} as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** Who holds a Redis connection decides how it behaves when Redis is gone. */
export type RedisRole = 'worker' | 'producer';

/**
 * A Redis connection for BullMQ. Workers wait for Redis forever (`maxRetriesPerRequest: null`);
 * producers in the API fail fast so an HTTP request never hangs on a dead Redis.
 */
export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): IORedis {
  const base: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 3000 };
  const client = new IORedis(url, {
    ...base,
    retryStrategy: (times) => Math.min(times * 200, 3000),
    ...extra,
  });
  // An unhandled 'error' event would crash the process; reconnecting is ioredis' own job.
  client.on('error', () => undefined);
  return client;
}

/** Default options per queue: attempts, backoff and bounded retention so Redis does not grow forever. */
export const DEFAULT_JOB_OPTIONS: Record<QueueName, JobsOptions> = {
  sync: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 5000 },
    removeOnComplete: { count: 1000, age: 7 * 24 * 3600 },
    removeOnFail: { count: 5000, age: 30 * 24 * 3600 },
  },
  push: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: { count: 5000, age: 7 * 24 * 3600 },
    removeOnFail: { count: 10000, age: 30 * 24 * 3600 },
  },
  webhook: {
    attempts: 6,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { count: 5000, age: 3 * 24 * 3600 },
    removeOnFail: { count: 10000, age: 30 * 24 * 3600 },
  },
};

/** Opens a producer for one queue. */
export function openQueue(name: QueueName, connection: ConnectionOptions, prefix: string): Queue {
  const q = new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS[name] });
  q.on('error', () => undefined);
  return q;
}
