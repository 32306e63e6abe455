import { UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { SecretBox, createLogger } from '@trustsync/core';
import { VENDORS, type VendorModule } from '@trustsync/connectors';
import type { DeviceRecord, IntegrationType, UserRecord } from '@trustsync/model';
import { SyncStore, createIntegration, emptyProgress, newEventFromParsed, newUnparsedEvent, recordEvents, type NewIntegrationEvent } from '@trustsync/db';
import { QUEUE_NAMES, createRedis, enqueueWebhookEvents, openQueue } from '@trustsync/queue';
import { TEST_REDIS_URL, createTestDatabase, fixture, testQueuePrefix, type TestDatabase } from '@trustsync/testing';
import { createWebhookProcessor, type WebhookJobResult } from './webhook.processor';

const box = new SecretBox([{ id: 'test', key: Buffer.alloc(32, 3) }], 'test');
const logger = createLogger({ service: 'webhook-worker-test', silent: true });

let db: TestDatabase;
let redis: IORedis;
let syncQueue: Queue;
let webhookQueue: Queue;
let okta: string;
let seraphic: string;

const USER: UserRecord & { vendorStatus: string; groups: string[] } = {
  externalId: '00u1k2j3h4G5f6D7s8b4', email: 'farah.haddad@example.com', name: 'Farah Haddad', department: 'Finance', jobTitle: null, active: true, source: null, vendorStatus: 'ACTIVE', groups: [],
};
const ENDPOINT: DeviceRecord = {
  externalId: 'ep_0001', name: 'mac-01', serialNumber: 'C02XK1ZZJG5H', hostname: 'mac-01', platform: 'macos', osName: 'macOS', osVersion: '15.1', model: null,
  primaryUserEmail: null, lastSeenAt: '2026-01-01T00:00:00Z', enrolledAt: null, managed: null, agentInstalled: true, status: 'active', policyRef: null, tags: [],
};

beforeAll(async () => {
  db = await createTestDatabase('whworker');
  redis = createRedis(TEST_REDIS_URL, 'producer');
  const prefix = testQueuePrefix('whworker');
  syncQueue = openQueue(QUEUE_NAMES.sync, redis, prefix);
  webhookQueue = openQueue(QUEUE_NAMES.webhook, redis, prefix);
  await syncQueue.waitUntilReady();
});

afterAll(async () => {
  await syncQueue.obliterate({ force: true }).catch(() => undefined);
  await webhookQueue.obliterate({ force: true }).catch(() => undefined);
  await syncQueue.close();
  await webhookQueue.close();
  await redis.quit();
  await db.drop();
});

beforeEach(async () => {
  const ds = db.dataSource;
  okta = (await createIntegration(ds, box, { name: 'okta', integrationType: 'okta', authType: 'api_token', webhookEnabled: true, webhookSecret: 'okta-secret-1234567' }, 'test')).id;
  seraphic = (await createIntegration(ds, box, { name: 'seraphic', integrationType: 'seraphic', authType: 'api_key', webhookEnabled: true, webhookSecret: 'seraphic-secret-1234567' }, 'test')).id;
  // What an earlier pull left: the Okta user and the Seraphic endpoint are known.
  const store = new SyncStore(ds);
  await store.writePage({ integrationId: okta, syncId: 'SYN-SEED00000000', entity: 'user', records: [USER], trackSeen: false }, emptyProgress(), 'users', null);
  await store.writePage({ integrationId: seraphic, syncId: 'SYN-SEED00000000', entity: 'device', records: [ENDPOINT], trackSeen: false }, emptyProgress(), 'devices', null);
});

afterEach(async () => {
  await db.dataSource.query('DELETE FROM integrations');
  await db.dataSource.query('DELETE FROM users; DELETE FROM devices; DELETE FROM detections');
  await syncQueue.obliterate({ force: true });
  await webhookQueue.obliterate({ force: true });
});

function processor(overrides: { vendors?: Record<IntegrationType, VendorModule> } = {}) {
  return createWebhookProcessor({ dataSource: db.dataSource, syncQueue, webhookQueue, logger, ...overrides });
}

function job(eventId: string, attemptsMade = 0): Job {
  return { id: eventId, data: { eventId }, attemptsMade, opts: { attempts: 6 } } as unknown as Job;
}

/** Stores the Okta fixture's events (the parser the ingress uses) and returns the id of the one of `eventType`. */
async function storeOktaEvent(eventType: string, patch: Record<string, unknown> = {}): Promise<string> {
  const delivery = fixture<{ data: { events: Array<Record<string, unknown>> } }>('okta', 'event-hook-delivery.json');
  const raw = delivery.data.events.find((e) => e.eventType === eventType) ?? { ...delivery.data.events[0], eventType };
  const parsed = VENDORS.okta.webhooks!.parse({ ...delivery, data: { events: [{ ...raw, ...patch }] } });
  return (await recordEvents(db.dataSource, okta, parsed.map(newEventFromParsed))).accepted[0];
}

async function storeSeraphic(body: Record<string, unknown>): Promise<string> {
  const parsed = VENDORS.seraphic.webhooks!.parse(body);
  return (await recordEvents(db.dataSource, seraphic, parsed.map(newEventFromParsed))).accepted[0];
}

async function userRow(): Promise<{ active: boolean; status: string; updated_at: Date }> {
  const [row] = await db.dataSource.query(`SELECT active, status, updated_at FROM users WHERE email = $1`, [USER.email]);
  return row;
}

async function eventRow(id: string): Promise<{ status: string; processed: boolean; attempts: number; result: Record<string, unknown> | null; error: string | null }> {
  const [row] = await db.dataSource.query(`SELECT status, processed, attempts, result, error FROM integration_events WHERE id = $1`, [id]);
  return row;
}

describe('applying an event', () => {
  it('deactivates the known Okta user a deactivation event names', async () => {
    const id = await storeOktaEvent('user.lifecycle.deactivate');
    await processor()(job(id));
    expect(await userRow()).toMatchObject({ active: false, status: 'inactive' });
  });

  it('records the processing result on the event row', async () => {
    const id = await storeOktaEvent('user.lifecycle.deactivate');
    await processor()(job(id));
    expect(await eventRow(id)).toMatchObject({ status: 'processed', processed: true, attempts: 1, error: null, result: { effect: 'updated', entity: 'user', external_id: USER.externalId } });
  });

  it('does nothing when the job of an applied event runs again', async () => {
    const id = await storeOktaEvent('user.lifecycle.deactivate');
    await processor()(job(id));
    const before = await userRow();
    const again: WebhookJobResult = await processor()(job(id));
    expect([again.outcome, (await userRow()).updated_at, (await eventRow(id)).attempts]).toEqual(['skipped', before.updated_at, 1]);
  });

  it('re-applies safely after a crash between the apply and marking the event', async () => {
    const id = await storeOktaEvent('user.lifecycle.deactivate');
    await processor()(job(id));
    const before = await userRow();
    // The state a worker killed after the apply committed, but before the event was marked, leaves behind.
    await db.dataSource.query(`UPDATE integration_events SET status = 'pending', processed = false, result = NULL WHERE id = $1`, [id]);
    const rerun = await processor()(job(id));
    const [users] = await db.dataSource.query(`SELECT count(*)::int AS n FROM users`);
    expect([rerun.result?.effect, (await userRow()).updated_at, users.n]).toEqual(['unchanged', before.updated_at, 1]);
  });

  it('asks for a targeted users pull when the user is not known yet', async () => {
    const id = await storeOktaEvent('user.lifecycle.suspend', { target: [{ id: '00uNEWUSER000000001', type: 'User', alternateId: 'new@example.com' }] });
    const result = await processor()(job(id));
    const [sync] = await db.dataSource.query(`SELECT id, sync_type, status, triggered_by FROM integration_syncs WHERE integration_id = $1`, [okta]);
    expect(sync).toMatchObject({ sync_type: 'users', status: 'pending', triggered_by: `webhook:${id}` });
    expect([result.result?.effect, (await syncQueue.getJob(sync.id))?.data.syncType]).toEqual(['pull_requested', 'users']);
  });

  it('skips a late event that a pull begun after it already covered', async () => {
    const id = await storeOktaEvent('user.lifecycle.deactivate');
    await db.dataSource.query(`INSERT INTO integration_syncs (id, integration_id, sync_type, status, started_at, completed_at) VALUES ('SYN-LATER0000000', $1, 'full', 'completed', '2026-06-01', '2026-06-01')`, [okta]);
    const result = await processor()(job(id));
    expect([result.result?.effect, (await userRow()).active]).toEqual(['superseded', true]);
  });

  it('creates the detection a Seraphic threat event carries, linked to the known endpoint', async () => {
    const id = await storeSeraphic({ eventId: 'wh_1', eventType: 'threat.detected', occurredAt: '2026-01-02T00:00:00Z', data: { detectionId: 'det_A1', type: 'phishing', severity: 'high', endpointId: 'ep_0001', actionTaken: 'blocked' } });
    await processor()(job(id));
    const [detection] = await db.dataSource.query(`SELECT d.severity, d.detection_status, v.serial_number FROM detections d JOIN devices v ON v.id = d.device_id`);
    expect(detection).toEqual({ severity: 'high', detection_status: 'blocked', serial_number: 'C02XK1ZZJG5H' });
  });

  it('marks the known endpoint stale on a Seraphic endpoint.offline event', async () => {
    const id = await storeSeraphic({ eventId: 'wh_2', eventType: 'endpoint.offline', occurredAt: '2026-01-02T00:00:00Z', data: { endpointId: 'ep_0001' } });
    await processor()(job(id));
    const [device] = await db.dataSource.query(`SELECT status FROM devices WHERE serial_number = 'C02XK1ZZJG5H'`);
    expect(device.status).toBe('stale');
  });
});

describe('events that cannot be applied', () => {
  async function storeUnparsed(): Promise<string> {
    const row: NewIntegrationEvent = newUnparsedEvent({ something: 'else' }, 'not a Seraphic webhook body ({eventId, eventType, data})');
    return (await recordEvents(db.dataSource, seraphic, [row])).accepted[0];
  }

  it('marks a poison delivery failed with the reason and ends its job for good', async () => {
    const id = await storeUnparsed();
    await expect(processor()(job(id))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await eventRow(id)).toMatchObject({ status: 'failed', processed: false, error: expect.stringMatching(/seraphic parser refuses this delivery/) });
  });

  it('splits a replayed poison delivery into events once the parser accepts it', async () => {
    const id = await storeUnparsed();
    await expect(processor()(job(id))).rejects.toThrow();
    await db.dataSource.query(`UPDATE integration_events SET status = 'pending' WHERE id = $1`, [id]);
    const lenient: VendorModule = { ...VENDORS.seraphic, webhooks: { ...VENDORS.seraphic.webhooks!, parse: () => [{ externalEventId: 'split_1', eventType: 'policy.violation', category: 'policy', sourceEntityType: null, sourceEntityId: null, severity: null, eventTime: null, payload: {} }] } };
    const result = await processor({ vendors: { ...VENDORS, seraphic: lenient } })(job(id));
    const [split] = await db.dataSource.query(`SELECT id FROM integration_events WHERE external_event_id = 'split_1'`);
    expect([result.result?.event_ids, (await webhookQueue.getJob(split.id))?.data]).toEqual([[split.id], { eventId: split.id }]);
  });

  it('marks an event failed with the error on its last attempt', async () => {
    const id = await storeOktaEvent('user.lifecycle.deactivate');
    await db.dataSource.query(`UPDATE integration_mappings SET attributes = 'null'::jsonb WHERE integration_id = $1`, [okta]);
    await expect(processor()(job(id, 5))).rejects.toThrow();
    expect(await eventRow(id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^attempt 6 failed/) });
  });
});

describe('through BullMQ', () => {
  it('applies an enqueued event with a running worker', async () => {
    const id = await storeOktaEvent('user.lifecycle.deactivate');
    const connection = createRedis(TEST_REDIS_URL, 'worker');
    const worker = new Worker(QUEUE_NAMES.webhook, processor(), { connection, prefix: webhookQueue.opts.prefix });
    try {
      const done = new Promise<void>((resolve) => worker.on('completed', () => resolve()));
      await enqueueWebhookEvents(webhookQueue, [id]);
      await done;
      expect((await eventRow(id)).status).toBe('processed');
    } finally {
      await worker.close();
      await connection.quit();
    }
  });
});
