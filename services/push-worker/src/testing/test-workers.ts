import { Worker } from 'bullmq';
import type IORedis from 'ioredis';
import { createRedis } from '@trustsync/queue';
import { TEST_REDIS_URL } from '@trustsync/testing';

/** BullMQ workers a test starts, each on its own Redis connection, closed together at the end. */
export class TestWorkers {
  private readonly workers: Worker[] = [];
  private readonly connections: IORedis[] = [];

  /**
   * Starts a worker on `name` under `prefix`. Retries wait 100 ms unless `jobBackoff` keeps each
   * job's own backoff (a test of the backoff itself).
   */
  start(name: string, processor: ConstructorParameters<typeof Worker>[1], prefix: string, opts: { jobBackoff?: boolean } = {}): Worker {
    const connection = createRedis(TEST_REDIS_URL, 'worker');
    this.connections.push(connection);
    const w = new Worker(name, processor, { connection, prefix, concurrency: 6, ...(opts.jobBackoff ? {} : { settings: { backoffStrategy: () => 100 } }) });
    w.on('error', () => undefined);
    this.workers.push(w);
    return w;
  }

  /** Closes every worker, then its connection. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    for (const c of this.connections) c.disconnect();
  }
}
