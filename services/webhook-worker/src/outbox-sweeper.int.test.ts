import { Worker, type Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { SecretBox, createLogger } from '@trustsync/core';
import { createIntegration, findOutboxEvents, recordEvents, type NewIntegrationEvent } from '@trustsync/db';
import { QUEUE_NAMES, createRedis, enqueueWebhookEvents, openQueue } from '@trustsync/queue';
import { TEST_REDIS_URL, createTestDatabase, testQueuePrefix, type TestDatabase } from '@trustsync/testing';
import { sweepOutbox } from './outbox-sweeper';

const logger = createLogger({ service: 'outbox-test', silent: true });
let db: TestDatabase;
let redis: IORedis;
let webhookQueue: Queue;
let integrationId: string;

beforeAll(async () => {
  db = await createTestDatabase('whoutbox');
  redis = createRedis(TEST_REDIS_URL, 'producer');
  webhookQueue = openQueue(QUEUE_NAMES.webhook, redis, testQueuePrefix('whoutbox'));
  await webhookQueue.waitUntilReady();
  const box = new SecretBox([{ id: 'test', key: Buffer.alloc(32, 5) }], 'test');
  integrationId = (await createIntegration(db.dataSource, box, { name: 'okta', integrationType: 'okta', authType: 'api_token', webhookEnabled: true, webhookSecret: 'okta-secret-1234567' }, 'test')).id;
});

afterAll(async () => {
  await webhookQueue.obliterate({ force: true }).catch(() => undefined);
  await webhookQueue.close();
  await redis.quit();
  await db.drop();
});

afterEach(async () => {
  await db.dataSource.query('DELETE FROM integration_events');
  await webhookQueue.obliterate({ force: true });
});

function event(externalEventId: string): NewIntegrationEvent {
  return { externalEventId, eventType: 'user.lifecycle.suspend', category: 'user', sourceEntityType: 'user', sourceEntityId: '00u1', severity: null, payload: {}, payloadHash: externalEventId, eventTime: null };
}

async function storeUnenqueued(externalEventId: string): Promise<string> {
  const [id] = (await recordEvents(db.dataSource, integrationId, [event(externalEventId)])).accepted;
  return id;
}

const sweep = (queue: Queue) => sweepOutbox({ dataSource: db.dataSource, webhookQueue: queue, logger, afterMs: 0, recheckAfterMs: 3_600_000, everyMs: 1000 });

describe('the outbox sweeper', () => {
  it('keeps an event in the outbox while Redis is down and enqueues it once Redis is back', async () => {
    const id = await storeUnenqueued('e1');
    const deadRedis = createRedis('redis://127.0.0.1:1', 'producer', { retryStrategy: () => null });
    const deadQueue = openQueue(QUEUE_NAMES.webhook, deadRedis, webhookQueue.opts.prefix!);
    await expect(sweep(deadQueue)).rejects.toThrow();
    await deadQueue.close().catch(() => undefined);
    deadRedis.disconnect();
    const stillWaiting = await findOutboxEvents(db.dataSource, { unenqueuedOlderThanMs: 0, reenqueueAfterMs: 3_600_000, limit: 10 });
    const outcome = await sweep(webhookQueue);
    expect([stillWaiting.map((e) => e.id), outcome, (await webhookQueue.getJob(id))?.data]).toEqual([[id], { enqueued: 1, alreadyQueued: 0 }, { eventId: id }]);
  });

  it('takes a swept event out of the outbox', async () => {
    await storeUnenqueued('e1');
    await sweep(webhookQueue);
    expect(await findOutboxEvents(db.dataSource, { unenqueuedOlderThanMs: 0, reenqueueAfterMs: 3_600_000, limit: 10 })).toEqual([]);
  });

  it('leaves a young event to the ingress that may still be enqueuing it', async () => {
    await storeUnenqueued('e1');
    const outcome = await sweepOutbox({ dataSource: db.dataSource, webhookQueue, logger, afterMs: 60_000, recheckAfterMs: 3_600_000, everyMs: 1000 });
    expect(outcome).toEqual({ enqueued: 0, alreadyQueued: 0 });
  });

  it('adds no second job for an event whose job is already queued', async () => {
    const id = await storeUnenqueued('e1');
    await enqueueWebhookEvents(webhookQueue, [id]);
    const outcome = await sweep(webhookQueue);
    expect([outcome, await webhookQueue.getJobCounts('waiting')]).toEqual([{ enqueued: 0, alreadyQueued: 1 }, { waiting: 1 }]);
  });

  it('replaces the finished job of a replayed event that is pending again', async () => {
    const id = await storeUnenqueued('e1');
    await enqueueWebhookEvents(webhookQueue, [id]);
    const connection = createRedis(TEST_REDIS_URL, 'worker');
    const worker = new Worker(QUEUE_NAMES.webhook, async () => 'done', { connection, prefix: webhookQueue.opts.prefix });
    await new Promise<void>((resolve) => worker.once('completed', () => resolve()));
    await worker.close();
    await connection.quit();
    const outcome = await sweep(webhookQueue);
    expect([outcome, await (await webhookQueue.getJob(id))!.getState()]).toEqual([{ enqueued: 1, alreadyQueued: 0 }, 'waiting']);
  });
});
