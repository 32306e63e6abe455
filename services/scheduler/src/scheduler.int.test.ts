import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { SecretBox, createLogger } from '@trustsync/core';
import { IntegrationSyncEntity, createIntegration, deleteIntegration, updateIntegration } from '@trustsync/db';
import { QUEUE_NAMES, createRedis, openQueue, openScheduleQueue } from '@trustsync/queue';
import { TEST_REDIS_URL, createTestDatabase, testQueuePrefix, type TestDatabase } from '@trustsync/testing';
import { OwnerLease } from './owner-lease';
import { reconcileSchedules } from './schedule-reconciler';
import { createTickProcessor } from './tick.processor';

describe('scheduler (real Postgres and Redis)', () => {
  let db: TestDatabase;
  let redis: IORedis;
  let scheduleQueue: Queue;
  let syncQueue: Queue;
  const prefix = testQueuePrefix('scheduler');
  const box = new SecretBox([{ id: 't', key: Buffer.alloc(32, 3) }], 't');
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase('scheduler');
    redis = createRedis(TEST_REDIS_URL, 'worker');
    scheduleQueue = openScheduleQueue(redis, prefix);
    syncQueue = openQueue(QUEUE_NAMES.sync, redis, prefix);
    for (const [name, type] of [['okta', 'okta'], ['kandji', 'kandji'], ['falcon', 'crowdstrike']] as const) {
      const i = await createIntegration(db.dataSource, box, { name, integrationType: type, authType: 'api_key', credentials: { api_key: 'x' }, syncIntervalMinutes: 30 }, 'test');
      ids[name] = i.id;
    }
  });

  afterAll(async () => {
    await scheduleQueue.obliterate({ force: true }).catch(() => undefined);
    await syncQueue.obliterate({ force: true }).catch(() => undefined);
    await scheduleQueue.close();
    await syncQueue.close();
    redis.disconnect();
    await db.drop();
  });

  const schedulerIds = async (): Promise<string[]> => (await scheduleQueue.getJobSchedulers(0, -1, true)).map((s) => s.key).sort();

  it('creates one scheduler per cadence of every syncing integration', async () => {
    await reconcileSchedules(db.dataSource, scheduleQueue, 1440);
    expect(await schedulerIds()).toEqual(
      [`sync:${ids.falcon}:full`, `sync:${ids.falcon}:incremental`, `sync:${ids.kandji}:full`, `sync:${ids.okta}:full`, `sync:${ids.okta}:incremental`].sort(),
    );
  });

  it('changes nothing and adds no tick when reconciled again (a restart or a second replica)', async () => {
    const before = await scheduleQueue.getDelayedCount();
    const outcome = await reconcileSchedules(db.dataSource, scheduleQueue, 1440);
    expect(outcome).toEqual({ upserted: [], removed: [], kept: 5 });
    expect(await scheduleQueue.getDelayedCount()).toBe(before);
  });

  it('moves a scheduler to the new interval when the integration changes', async () => {
    await updateIntegration(db.dataSource, box, ids.kandji, { syncIntervalMinutes: 10 }, 'test');
    await reconcileSchedules(db.dataSource, scheduleQueue, 1440);
    const s = await scheduleQueue.getJobScheduler(`sync:${ids.kandji}:full`);
    expect(Number(s?.every)).toBe(10 * 60_000);
  });

  it('removes the schedulers of a disabled integration and of a deleted one', async () => {
    await updateIntegration(db.dataSource, box, ids.okta, { enabled: false }, 'test');
    await deleteIntegration(db.dataSource, ids.falcon);
    await reconcileSchedules(db.dataSource, scheduleQueue, 1440);
    expect(await schedulerIds()).toEqual([`sync:${ids.kandji}:full`]);
  });

  it('turns two ticks into one coalesced sync with one job', async () => {
    const process = createTickProcessor({ dataSource: db.dataSource, syncQueue, scheduleQueue, logger: createLogger({ service: 'test', silent: true }) });
    const tick = { data: { integrationId: ids.kandji, syncType: 'full' } } as never;
    const first = await process(tick);
    const second = await process(tick);
    expect([first.outcome, second.outcome]).toEqual(['enqueued', 'coalesced']);
    expect(second.syncId).toBe(first.syncId);
    expect(await db.dataSource.getRepository(IntegrationSyncEntity).countBy({ integrationId: ids.kandji })).toBe(1);
    expect(await syncQueue.getJob(first.syncId!)).toBeDefined();
  });

  it('lets only one of two replicas own the reconciliation', async () => {
    const key = `${prefix}:scheduler:owner`;
    const a = new OwnerLease(redis, key, 5000);
    const b = new OwnerLease(redis, key, 5000);
    expect([await a.claim(), await b.claim(), await a.claim()]).toEqual([true, false, true]);
    await a.release();
    expect(await b.claim()).toBe(true);
    await b.release();
  });
});
