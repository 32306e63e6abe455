import { Worker } from 'bullmq';
import { TEST_REDIS_URL, testQueuePrefix } from '@trustsync/testing';
import { QUEUE_NAMES, createRedis, openQueue } from './queues';
import { PUSH_JOBS, enqueuePostureEvaluation, enqueuePush } from './push.contract';

describe('push queue order (real Redis, BullMQ)', () => {
  it('sends a push before a backlog of posture evaluations queued ahead of it', async () => {
    const redis = createRedis(TEST_REDIS_URL, 'producer');
    const prefix = testQueuePrefix('pushprio');
    const queue = openQueue(QUEUE_NAMES.push, redis, prefix);
    await queue.waitUntilReady();
    for (let i = 0; i < 30; i++) await enqueuePostureEvaluation(queue, [`DEV-${String(i).padStart(12, '0')}`], 'sync');
    await enqueuePush(queue, '42');
    const order: string[] = [];
    const workerRedis = createRedis(TEST_REDIS_URL, 'worker');
    const worker = new Worker(QUEUE_NAMES.push, async (job) => void order.push(job.name), { connection: workerRedis, prefix, concurrency: 1 });
    while (order.length < 31) await new Promise((r) => setTimeout(r, 20));
    await worker.close();
    workerRedis.disconnect();
    await queue.obliterate({ force: true });
    await queue.close();
    await redis.quit();
    expect(order[0]).toBe(PUSH_JOBS.send);
    expect(order.filter((n) => n === PUSH_JOBS.evaluate)).toHaveLength(30);
  });
});
