import { Worker, type Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { SecretBox, createLogger } from '@trustsync/core';
import { MemoryTokenCache } from '@trustsync/connectors';
import { IntegrationSyncEntity, createIntegration, requestSync } from '@trustsync/db';
import { QUEUE_NAMES, createRedis, openQueue } from '@trustsync/queue';
import { TEST_REDIS_URL, createTestDatabase, testQueuePrefix, type TestDatabase } from '@trustsync/testing';
import { RateGates } from './rate-gates';
import { createSyncProcessor } from './sync.processor';

describe('the sync worker under a production outbound policy (real Postgres, Redis, BullMQ and the Kandji connector)', () => {
  let db: TestDatabase;
  let redis: IORedis;
  let workerRedis: IORedis;
  let queue: Queue;
  let worker: Worker;
  const gates = new RateGates();
  const box = new SecretBox([{ id: 't1', key: Buffer.alloc(32, 9) }], 't1');

  beforeAll(async () => {
    db = await createTestDatabase('outbound');
    redis = createRedis(TEST_REDIS_URL, 'worker');
    const prefix = testQueuePrefix('outbound');
    queue = openQueue(QUEUE_NAMES.sync, redis, prefix);
    const processor = createSyncProcessor({
      dataSource: db.dataSource, secretBox: box, gates, tokenCache: new MemoryTokenCache(), logger: createLogger({ service: 'test', silent: true }), maxInCallRetryWaitMs: 1000,
      outbound: { allowPrivate: false, allowedHosts: [] },
    });
    worker = new Worker(QUEUE_NAMES.sync, processor, { connection: (workerRedis = createRedis(TEST_REDIS_URL, 'worker')), prefix, settings: { backoffStrategy: () => 50 } });
    worker.on('error', () => undefined);
  });
  afterAll(async () => {
    await worker.close();
    await gates.close();
    workerRedis.disconnect();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
    await db.drop();
  });

  it('refuses an endpoint on a loopback address (stored before the policy tightened) and fails the sync without retrying it', async () => {
    const integration = await createIntegration(db.dataSource, box, { name: 'Loopback Kandji', integrationType: 'kandji', authType: 'bearer', endpoint: 'http://127.0.0.1:9/kandji', credentials: { api_key: 'kandji-token-123456' } }, 'test');
    const { sync } = await requestSync(db.dataSource, { integrationId: integration.id, syncType: 'full', triggeredBy: 'test' });
    await queue.add('integration.sync', { syncId: sync.id, integrationId: integration.id, syncType: 'full' }, { jobId: sync.id, attempts: 3, backoff: { type: 'custom' } });
    const repo = db.dataSource.getRepository(IntegrationSyncEntity);
    let row = await repo.findOneByOrFail({ id: sync.id });
    for (let i = 0; i < 200 && ['pending', 'in_progress'].includes(row.status); i++) {
      await new Promise((r) => setTimeout(r, 50));
      row = await repo.findOneByOrFail({ id: sync.id });
    }
    expect(row.status).toBe('failed');
    expect(row.errorMessage).toMatch(/refused to call .*must use https/);
    expect((await queue.getJob(sync.id))?.attemptsMade).toBe(1);
  });
});
