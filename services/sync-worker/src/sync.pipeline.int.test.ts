import { Queue, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import { SecretBox, createLogger } from '@trustsync/core';
import { ConnectorError, MemoryTokenCache, type Connector, type StreamSpec } from '@trustsync/connectors';
import { IntegrationMappingEntity, IntegrationSyncEntity, DeviceEntity, createIntegration, requestSync } from '@trustsync/db';
import type { DeviceRecord, UserRecord } from '@trustsync/model';
import { QUEUE_NAMES, createRedis, enqueueSync, openQueue } from '@trustsync/queue';
import { TEST_REDIS_URL, createTestDatabase, testQueuePrefix, type TestDatabase } from '@trustsync/testing';
import { RateGates } from './rate-gates';
import { createSyncProcessor } from './sync.processor';

/** A scripted vendor tenant: what the connector lists, and the failures it should produce. */
interface ScriptedTenant {
  devices: Map<string, DeviceRecord>;
  users: UserRecord[];
  pageSize: number;
  /** Fail the device stream at this page index, this many times, with this error. */
  failAt?: { page: number; times: number; error: () => Error };
  /** Cursors the device stream was started from, in order. */
  startedFrom: Array<string | null>;
  /** A second complete stream of users (as Zscaler lists policies from five streams). */
  moreUsers?: UserRecord[];
}

function device(i: number, overrides: Partial<DeviceRecord> = {}): DeviceRecord {
  return {
    externalId: `dev-${i}`,
    name: `Mac ${i}`,
    serialNumber: `SER${String(i).padStart(6, '0')}`,
    hostname: `mac-${i}`,
    platform: 'Mac',
    osName: 'macOS',
    osVersion: '15.1',
    model: 'MacBook Pro',
    primaryUserEmail: `user${i % 10}@example.com`,
    lastSeenAt: '2026-12-01T10:00:00.000Z',
    enrolledAt: '2025-01-01T00:00:00.000Z',
    managed: true,
    agentInstalled: true,
    status: 'active',
    policyRef: null,
    tags: [],
    ...overrides,
  };
}

function scriptedConnector(t: ScriptedTenant): Connector {
  const deviceStream: StreamSpec<'device'> = {
    name: 'devices',
    entity: 'device',
    complete: true,
    async *pages(cursor) {
      t.startedFrom.push(cursor);
      const all = [...t.devices.values()];
      for (let page = Number(cursor ?? 0); page * t.pageSize < all.length; page++) {
        if (t.failAt && t.failAt.page === page && t.failAt.times > 0) {
          t.failAt.times--;
          throw t.failAt.error();
        }
        const records = all.slice(page * t.pageSize, (page + 1) * t.pageSize);
        const more = (page + 1) * t.pageSize < all.length;
        yield { records, nextCursor: more ? String(page + 1) : null };
      }
    },
  };
  const userStream: StreamSpec<'user'> = {
    name: 'users',
    entity: 'user',
    complete: true,
    async *pages() {
      yield { records: t.users, nextCursor: null };
    },
  };
  return {
    manifest: { type: 'kandji', displayName: 'scripted', authTypes: ['bearer'], capabilities: ['pullDevices', 'pullUsers'], commands: [], hosts: [], defaultRateLimit: { requests: 1000, periodSeconds: 1 } },
    testConnection: async () => ({ ok: true, details: {} }),
    streams: () => [
      deviceStream,
      userStream,
      ...(t.moreUsers ? [{ name: 'users-more', entity: 'user', complete: true, async *pages() { yield { records: t.moreUsers!, nextCursor: null }; } } as StreamSpec<'user'>] : []),
    ],
  };
}

describe('sync pipeline (real Postgres, Redis and BullMQ)', () => {
  let db: TestDatabase;
  let redis: IORedis;
  let queue: Queue;
  let worker: Worker;
  let workerRedis: IORedis;
  const gates = new RateGates();
  let tenant: ScriptedTenant;
  let integrationId: string;
  const box = new SecretBox([{ id: 't1', key: Buffer.alloc(32, 7) }], 't1');
  const logger = createLogger({ service: 'test', silent: true });

  beforeAll(async () => {
    db = await createTestDatabase('pipeline');
    redis = createRedis(TEST_REDIS_URL, 'worker');
    const prefix = testQueuePrefix('pipeline');
    queue = openQueue(QUEUE_NAMES.sync, redis, prefix);
    worker = new Worker(
      QUEUE_NAMES.sync,
      createSyncProcessor({
        dataSource: db.dataSource,
        secretBox: box,
        gates,
        tokenCache: new MemoryTokenCache(),
        logger,
        maxInCallRetryWaitMs: 1000,
        connectorFactory: () => scriptedConnector(tenant),
      }),
      { connection: (workerRedis = createRedis(TEST_REDIS_URL, 'worker')), prefix, concurrency: 2, settings: { backoffStrategy: () => 50 } },
    );
    worker.on('error', () => undefined);
    const integration = await createIntegration(db.dataSource, box, { name: 'Scripted Kandji', integrationType: 'kandji', authType: 'bearer', credentials: { api_key: 'scripted-token-123456' } }, 'test');
    integrationId = integration.id;
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

  beforeEach(() => {
    tenant = tenant ?? { devices: new Map(), users: [], pageSize: 100, startedFrom: [] };
    tenant.startedFrom = [];
    tenant.failAt = undefined;
  });

  async function syncAndWait(syncType = 'full', attempts = 5): Promise<IntegrationSyncEntity> {
    const { sync } = await requestSync(db.dataSource, { integrationId, syncType, triggeredBy: 'test' });
    await queue.add('integration.sync', { syncId: sync.id, integrationId, syncType }, { jobId: sync.id, attempts, backoff: { type: 'custom' } });
    const repo = db.dataSource.getRepository(IntegrationSyncEntity);
    for (let i = 0; i < 600; i++) {
      const row = await repo.findOneByOrFail({ id: sync.id });
      if (!['pending', 'in_progress'].includes(row.status)) return row;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`sync ${sync.id} did not finish`);
  }

  it('pulls every page of a tenant into devices, users and mappings with exact counts', async () => {
    for (let i = 0; i < 1050; i++) tenant.devices.set(`dev-${i}`, device(i));
    tenant.users = Array.from({ length: 10 }, (_, j) => ({ externalId: `usr-${j}`, email: `User${j}@Example.com`, name: `User ${j}`, department: 'IT', jobTitle: null, active: true, source: null }));

    const sync = await syncAndWait();

    expect(sync.status).toBe('completed');
    expect(sync.itemsCreated).toBe(1060);
    expect(sync.itemsProcessed).toBe(1060);
    expect(sync.entityCounts.device).toMatchObject({ processed: 1050, created: 1050, updated: 0, unchanged: 0 });
    expect(await db.dataSource.getRepository(DeviceEntity).count()).toBe(1050);
    expect(await db.dataSource.getRepository(IntegrationMappingEntity).countBy({ integrationId, externalEntityType: 'device', active: true })).toBe(1050);
    const users: Array<{ email: string }> = await db.dataSource.query(`SELECT email FROM users ORDER BY email LIMIT 1`);
    expect(users[0].email).toBe('user0@example.com');
  });

  it('reports a second sync of an unchanged tenant as all unchanged and rewrites no row', async () => {
    const before: Array<{ max: Date }> = await db.dataSource.query(`SELECT max(updated_at) AS max FROM devices`);
    const sync = await syncAndWait();
    const after: Array<{ max: Date }> = await db.dataSource.query(`SELECT max(updated_at) AS max FROM devices`);

    expect(sync.status).toBe('completed');
    expect({ created: sync.itemsCreated, updated: sync.itemsUpdated, unchanged: sync.itemsUnchanged }).toEqual({ created: 0, updated: 0, unchanged: 1060 });
    expect(after[0].max).toEqual(before[0].max);
  });

  it('counts a changed device as updated and writes the new value', async () => {
    tenant.devices.set('dev-7', device(7, { osVersion: '15.2' }));
    const sync = await syncAndWait();
    const row = await db.dataSource.getRepository(DeviceEntity).findOneByOrFail({ serialNumber: 'SER000007' });

    expect(sync.entityCounts.device).toMatchObject({ updated: 1, unchanged: 1049, created: 0 });
    expect(row.osVersion).toBe('15.2');
  });

  it('resumes a failed job from its last committed page and ends with exact counts', async () => {
    for (let i = 1050; i < 1100; i++) tenant.devices.set(`dev-${i}`, device(i));
    tenant.failAt = { page: 5, times: 1, error: () => new Error('worker crashed mid-page') };

    const sync = await syncAndWait();

    expect(sync.status).toBe('completed');
    expect(tenant.startedFrom).toEqual([null, '5']);
    expect(sync.entityCounts.device).toMatchObject({ processed: 1100, created: 50, unchanged: 1050 });
    expect(await db.dataSource.getRepository(IntegrationMappingEntity).countBy({ integrationId, externalEntityType: 'device' })).toBe(1100);
  });

  it('deletes nothing when a full sync fails, even if devices vanished', async () => {
    tenant.devices.delete('dev-3');
    tenant.failAt = { page: 2, times: 99, error: () => new ConnectorError('transient', 'kandji', 'vendor down') };

    const sync = await syncAndWait('full', 2);

    expect(sync.status).toBe('partial');
    expect(sync.itemsDeleted).toBe(0);
    expect(await db.dataSource.getRepository(IntegrationMappingEntity).countBy({ integrationId, externalEntityType: 'device', active: true })).toBe(1100);
  });

  it('marks a vanished device deleted after the next successful full sync', async () => {
    const sync = await syncAndWait();
    const mapping = await db.dataSource.getRepository(IntegrationMappingEntity).findOneByOrFail({ integrationId, externalEntityId: 'dev-3' });
    const gone = await db.dataSource.getRepository(DeviceEntity).findOneByOrFail({ id: mapping.platformEntityId });

    expect(sync.status).toBe('completed');
    expect(sync.itemsDeleted).toBe(1);
    expect(sync.entityCounts.device).toMatchObject({ deleted: 1 });
    expect(mapping.active).toBe(false);
    expect(gone.status).toBe('removed');
  });

  it('fails an auth error at once, without retries, and marks the integration unhealthy', async () => {
    tenant.failAt = { page: 0, times: 99, error: () => new ConnectorError('auth', 'kandji', 'kandji answered 401', { status: 401 }) };

    const sync = await syncAndWait('full', 5);
    const integration: Array<{ health_status: string; health_reason: string }> = await db.dataSource.query(`SELECT health_status, health_reason FROM integrations WHERE id = $1`, [integrationId]);

    expect(sync.status).toBe('failed');
    expect(sync.attempts).toBe(1);
    expect(integration[0].health_status).toBe('unhealthy');
    expect(integration[0].health_reason).toContain('401 from kandji');
  });

  it('coalesces concurrent sync requests into one pending sync', async () => {
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => requestSync(db.dataSource, { integrationId, syncType: 'full', triggeredBy: 'race' })));
    const ids = new Set(outcomes.map((o) => o.sync.id));

    expect(ids.size).toBe(1);
    expect(outcomes.filter((o) => !o.coalesced)).toHaveLength(1);
    await db.dataSource.query(`UPDATE integration_syncs SET status = 'failed' WHERE id = $1`, [[...ids][0]]);
  });

  it('keeps job payloads free of credentials', async () => {
    const { sync } = await requestSync(db.dataSource, { integrationId, syncType: 'users', triggeredBy: 'test' });
    const job = await queue.getJob(await enqueueSync(queue, { syncId: sync.id, integrationId, syncType: 'users' }));

    expect(JSON.stringify(job?.data)).not.toContain('scripted-token-123456');
    expect(Object.keys(job?.data ?? {}).sort()).toEqual(['integrationId', 'syncId', 'syncType']);
  });

  it('counts the changes a sync saw that no webhook announced as missed webhooks', async () => {
    // Okta's event hooks cover users and devices; the scripted tenant stands in for its API.
    await db.dataSource.query(`UPDATE integrations SET integration_type = 'okta', webhook_enabled = true WHERE id = $1`, [integrationId]);
    tenant.failAt = undefined;
    expect((await syncAndWait()).status).toBe('completed');
    for (const id of ['dev-500', 'dev-501', 'dev-502']) tenant.devices.set(id, { ...tenant.devices.get(id)!, hostname: `${id}-renamed` });

    expect((await syncAndWait()).status).toBe('completed');
    const [row]: Array<{ missed_webhooks: number; missed_webhooks_total: number }> = await db.dataSource.query(`SELECT missed_webhooks, missed_webhooks_total FROM integrations WHERE id = $1`, [integrationId]);
    expect(row.missed_webhooks).toBe(3);
    await db.dataSource.query(`UPDATE integrations SET integration_type = 'kandji', webhook_enabled = false WHERE id = $1`, [integrationId]);
  });

  it('deletes after a full sync whose entity type comes from several complete streams (not deferred as an incomplete seen set)', async () => {
    const user = (j: number): UserRecord => ({ externalId: `more-${j}`, email: `more${j}@example.com`, name: `More ${j}`, department: 'Ops', jobTitle: null, active: true, source: null });
    tenant.moreUsers = Array.from({ length: 5 }, (_, j) => user(j));
    expect((await syncAndWait()).status).toBe('completed');
    const unchanged = await syncAndWait();
    expect([unchanged.status, unchanged.errorDetails]).toEqual(['completed', null]);

    tenant.moreUsers = tenant.moreUsers.slice(1);
    const sync = await syncAndWait();
    expect([sync.status, sync.errorDetails, sync.itemsDeleted]).toEqual(['completed', null, 1]);
    const [m] = await db.dataSource.query(`SELECT active FROM integration_mappings WHERE integration_id = $1 AND external_entity_id = 'more-0'`, [integrationId]);
    expect(m.active).toBe(false);
    tenant.moreUsers = undefined;
  });
});
