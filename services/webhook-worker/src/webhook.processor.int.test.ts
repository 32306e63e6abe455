import { UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { SecretBox, createLogger } from '@trustsync/core';
import { VENDORS, type VendorModule } from '@trustsync/connectors';
import type { DeviceRecord, IntegrationType, UserRecord } from '@trustsync/model';
import { SyncStore, createIntegration, emptyProgress, newEventFromParsed, newUnparsedEvent, recordEvents, type NewIntegrationEvent } from '@trustsync/db';
import { PUSH_JOBS, QUEUE_NAMES, createRedis, enqueueEvaluationForChange, enqueueWebhookEvents, openQueue } from '@trustsync/queue';
import { TEST_REDIS_URL, createTestDatabase, fixture, testQueuePrefix, type TestDatabase } from '@trustsync/testing';
import { createWebhookProcessor, type WebhookJobResult } from './webhook.processor';

const box = new SecretBox([{ id: 'test', key: Buffer.alloc(32, 3) }], 'test');
const logger = createLogger({ service: 'webhook-worker-test', silent: true });

let db: TestDatabase;
let redis: IORedis;
let syncQueue: Queue;
let webhookQueue: Queue;
let pushQueue: Queue;
let okta: string;
let seraphic: string;
let falcon: string;

const USER: UserRecord & { vendorStatus: string; groups: string[] } = {
  externalId: '00u1k2j3h4G5f6D7s8b4', email: 'farah.haddad@example.com', name: 'Farah Haddad', department: 'Finance', jobTitle: null, active: true, source: null, vendorStatus: 'ACTIVE', groups: [],
};
const ENDPOINT: DeviceRecord = {
  externalId: 'ep_0001', name: 'mac-01', serialNumber: 'C02XK1ZZJG5H', hostname: 'mac-01', platform: 'macos', osName: 'macOS', osVersion: '15.1', model: null,
  primaryUserEmail: null, lastSeenAt: '2026-01-01T00:00:00Z', enrolledAt: null, managed: null, agentInstalled: true, status: 'active', policyRef: null, tags: [],
};
// The host of the Falcon webhook fixture, as a hosts pull maps it (containment in a tag).
const FALCON_HOST: DeviceRecord = {
  externalId: 'b2c3d4e5f6a70819203b4c5d6e7f8091', name: 'srv-web-01', serialNumber: 'VMW-SRV-WEB-01', hostname: 'srv-web-01', platform: 'linux', osName: 'Ubuntu 22.04', osVersion: '22.04', model: null,
  primaryUserEmail: null, lastSeenAt: '2026-01-01T00:00:00Z', enrolledAt: null, managed: null, agentInstalled: true, status: 'active', policyRef: null, tags: ['prod', 'crowdstrike:containment:normal'],
};

beforeAll(async () => {
  db = await createTestDatabase('whworker');
  redis = createRedis(TEST_REDIS_URL, 'producer');
  const prefix = testQueuePrefix('whworker');
  syncQueue = openQueue(QUEUE_NAMES.sync, redis, prefix);
  webhookQueue = openQueue(QUEUE_NAMES.webhook, redis, prefix);
  pushQueue = openQueue(QUEUE_NAMES.push, redis, prefix);
  await syncQueue.waitUntilReady();
});

afterAll(async () => {
  await syncQueue.obliterate({ force: true }).catch(() => undefined);
  await webhookQueue.obliterate({ force: true }).catch(() => undefined);
  await pushQueue.obliterate({ force: true }).catch(() => undefined);
  await syncQueue.close();
  await webhookQueue.close();
  await pushQueue.close();
  await redis.quit();
  await db.drop();
});

beforeEach(async () => {
  const ds = db.dataSource;
  okta = (await createIntegration(ds, box, { name: 'okta', integrationType: 'okta', authType: 'api_token', webhookEnabled: true, webhookSecret: 'okta-secret-1234567' }, 'test')).id;
  seraphic = (await createIntegration(ds, box, { name: 'seraphic', integrationType: 'seraphic', authType: 'api_key', webhookEnabled: true, webhookSecret: 'seraphic-secret-1234567' }, 'test')).id;
  falcon = (await createIntegration(ds, box, { name: 'falcon', integrationType: 'crowdstrike', authType: 'oauth', webhookEnabled: true, webhookSecret: 'falcon-hmac-secret-0123456789abcdef0123' }, 'test')).id;
  // What an earlier pull left: the Okta user and the Seraphic endpoint are known.
  const store = new SyncStore(ds);
  await store.writePage({ integrationId: okta, syncId: 'SYN-SEED00000000', entity: 'user', records: [USER], trackSeen: false }, emptyProgress(), 'users', null);
  await store.writePage({ integrationId: seraphic, syncId: 'SYN-SEED00000000', entity: 'device', records: [ENDPOINT], trackSeen: false }, emptyProgress(), 'devices', null);
  await store.writePage({ integrationId: falcon, syncId: 'SYN-SEED00000000', entity: 'device', records: [FALCON_HOST], trackSeen: false }, emptyProgress(), 'devices', null);
});

afterEach(async () => {
  await db.dataSource.query('DELETE FROM integrations');
  await db.dataSource.query('DELETE FROM users; DELETE FROM devices; DELETE FROM detections');
  await syncQueue.obliterate({ force: true });
  await webhookQueue.obliterate({ force: true });
  await pushQueue.obliterate({ force: true });
});

// The change hook as the webhook worker's main.ts wires it.
function processor(overrides: { vendors?: Record<IntegrationType, VendorModule> } = {}) {
  return createWebhookProcessor({ dataSource: db.dataSource, syncQueue, webhookQueue, logger, onEntitiesChanged: async (change) => void (await enqueueEvaluationForChange(pushQueue, change, 'webhook')), ...overrides });
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

/** Stores a Falcon Fusion delivery (the fixture's by default) as the ingress would. */
async function storeFalcon(body: Record<string, unknown> = fixture('crowdstrike', 'webhook-fusion-delivery.body.json')): Promise<string> {
  const parsed = VENDORS.crowdstrike.webhooks!.parse(body);
  return (await recordEvents(db.dataSource, falcon, parsed.map(newEventFromParsed))).accepted[0];
}

/** A Fusion workflow's delivery about a host's containment (the body is templated by the workflow author). */
function falconHostDelivery(data: Record<string, unknown>, epochSeconds: number): Record<string, unknown> {
  return { meta: { timestamp: epochSeconds, trigger_name: 'Host containment status changed', workflow_id: 'wf-containment' }, data: { 'device.agent_id': FALCON_HOST.externalId, 'device.hostname': FALCON_HOST.hostname, ...data } };
}

/** The containment tags on the Falcon mapping of the fixture's host (what the device view shows for Falcon). */
async function falconContainment(): Promise<string[]> {
  const [row] = await db.dataSource.query(`SELECT attributes FROM integration_mappings WHERE integration_id = $1 AND external_entity_type = 'device' AND external_entity_id = $2`, [falcon, FALCON_HOST.externalId]);
  return (row.attributes.tags as string[]).filter((t) => t.startsWith('crowdstrike:containment:'));
}

/** The platform device an integration's device record is mapped to. */
async function platformDeviceId(integrationId: string, externalId: string): Promise<string> {
  const [row] = await db.dataSource.query(`SELECT platform_entity_id FROM integration_mappings WHERE integration_id = $1 AND external_entity_type = 'device' AND external_entity_id = $2`, [integrationId, externalId]);
  return row.platform_entity_id;
}

/** The posture evaluation jobs waiting on the push queue. */
async function evaluations(): Promise<Array<{ deviceIds: string[]; detectionIds: string[]; reason: string; integrationId?: string }>> {
  const jobs = await pushQueue.getJobs(['waiting', 'prioritized', 'delayed']);
  // Listed in no particular order: sorted so devices-only jobs come first.
  return jobs.filter((j) => j.name === PUSH_JOBS.evaluate).map((j) => j.data).sort((a, b) => a.detectionIds.length - b.detectionIds.length);
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

describe('events applied together in one batch', () => {
  const threat = (eventId: string, occurredAt: string, severity: string) =>
    storeSeraphic({ eventId, eventType: 'threat.detected', occurredAt, data: { detectionId: 'det_BATCH', type: 'malware', severity, endpointId: 'ep_0001' } });

  it('applies two events about one detection in the order they happened, whatever the order of their jobs', async () => {
    const older = await threat('wh_b1', '2026-01-02T00:00:00Z', 'high');
    const newer = await threat('wh_b2', '2026-01-03T00:00:00Z', 'critical');
    const p = processor();
    // Submitted together (one batch), the newer first.
    const [n, o] = await Promise.all([p(job(newer)), p(job(older))]);
    const detections: Array<{ severity: string }> = await db.dataSource.query(`SELECT severity FROM detections`);
    expect([o.result?.effect, n.result?.effect, detections]).toEqual(['created', 'updated', [{ severity: 'critical' }]]);
  });

  it('fails only the event whose record the store refuses, and applies the rest of the batch', async () => {
    const bad = await storeOktaEvent('user.lifecycle.deactivate');
    await db.dataSource.query(`UPDATE integration_mappings SET attributes = 'null'::jsonb WHERE integration_id = $1`, [okta]);
    const good = await threat('wh_b3', '2026-01-02T00:00:00Z', 'high');
    const p = processor();
    const [b, g] = await Promise.allSettled([p(job(bad)), p(job(good))]);
    expect([b.status, g.status]).toEqual(['rejected', 'fulfilled']);
    expect([(await eventRow(bad)).status, (await eventRow(bad)).error, (await eventRow(good)).status]).toEqual(['pending', expect.stringMatching(/refused by the store/), 'processed']);
  });

  it('keeps nothing of an event when the second entity it changes is refused', async () => {
    // The Falcon detection also contains its host; the host's last record is unusable.
    await db.dataSource.query(`UPDATE integration_mappings SET attributes = 'null'::jsonb WHERE integration_id = $1`, [falcon]);
    const id = await storeFalcon();
    await expect(processor()(job(id))).rejects.toThrow(/refused by the store/);
    const [detections] = await db.dataSource.query(`SELECT count(*)::int AS n FROM detections`);
    expect([detections.n, (await eventRow(id)).status, await evaluations()]).toEqual([0, 'pending', []]);
  });

  it('writes one batch of events of two vendors with one evaluation per vendor and entity', async () => {
    const ids = [await threat('wh_b4', '2026-01-02T00:00:00Z', 'high'), await storeFalcon(), await storeSeraphic({ eventId: 'wh_b5', eventType: 'endpoint.offline', occurredAt: '2026-01-02T00:00:00Z', data: { endpointId: 'ep_0001' } })];
    const p = processor();
    const results = await Promise.all(ids.map((id) => p(job(id))));
    expect(results.map((r) => r.result?.effect)).toEqual(['created', 'created', 'updated']);
    const jobs = await evaluations();
    expect(jobs.map((j) => [j.integrationId === seraphic ? 'seraphic' : 'falcon', j.deviceIds.length, j.detectionIds.length]).sort()).toEqual([
      ['falcon', 0, 1],
      ['falcon', 1, 0],
      ['seraphic', 0, 1],
      ['seraphic', 1, 0],
    ]);
  });
});

describe('posture evaluation after an applied event', () => {
  it('enqueues evaluations of the detection a Falcon detection event created and of the host it contained', async () => {
    const id = await storeFalcon();
    await processor()(job(id));
    const [detection] = await db.dataSource.query(`SELECT id, device_id FROM detections`);
    expect(detection.device_id).toBe(await platformDeviceId(falcon, FALCON_HOST.externalId));
    expect(await evaluations()).toEqual([
      // The fixture also says the machine was contained, which changes the host.
      { deviceIds: [detection.device_id], detectionIds: [], reason: 'webhook', integrationId: falcon },
      { deviceIds: [], detectionIds: [detection.id], reason: 'webhook', integrationId: falcon },
    ]);
  });

  it('enqueues one evaluation of the detection a Seraphic threat event created', async () => {
    const id = await storeSeraphic({ eventId: 'wh_eval_0', eventType: 'threat.detected', occurredAt: '2026-01-02T00:00:00Z', data: { detectionId: 'det_E1', type: 'malware', severity: 'critical', endpointId: 'ep_0001' } });
    await processor()(job(id));
    const [detection] = await db.dataSource.query(`SELECT id, device_id FROM detections`);
    expect(detection.device_id).toBe(await platformDeviceId(seraphic, ENDPOINT.externalId));
    expect(await evaluations()).toEqual([{ deviceIds: [], detectionIds: [detection.id], reason: 'webhook', integrationId: seraphic }]);
  });

  it('enqueues one evaluation of the device a Seraphic endpoint event changed', async () => {
    const id = await storeSeraphic({ eventId: 'wh_eval_1', eventType: 'endpoint.offline', occurredAt: '2026-01-02T00:00:00Z', data: { endpointId: 'ep_0001' } });
    await processor()(job(id));
    expect(await evaluations()).toEqual([{ deviceIds: [await platformDeviceId(seraphic, ENDPOINT.externalId)], detectionIds: [], reason: 'webhook', integrationId: seraphic }]);
  });

  it('enqueues no evaluation when the event changed nothing', async () => {
    const first = await storeSeraphic({ eventId: 'wh_eval_2', eventType: 'endpoint.offline', occurredAt: '2026-01-02T00:00:00Z', data: { endpointId: 'ep_0001' } });
    await processor()(job(first));
    await pushQueue.obliterate({ force: true });
    const again = await storeSeraphic({ eventId: 'wh_eval_3', eventType: 'endpoint.offline', occurredAt: '2026-01-03T00:00:00Z', data: { endpointId: 'ep_0001' } });
    const result = await processor()(job(again));
    expect([result.result?.effect, await evaluations()]).toEqual(['unchanged', []]);
  });

  it('enqueues no evaluation for a user change, which has no device posture', async () => {
    const id = await storeOktaEvent('user.lifecycle.deactivate');
    await processor()(job(id));
    expect(await evaluations()).toEqual([]);
  });
});

describe('Falcon host containment', () => {
  it('sets the host contained when a containment webhook says so', async () => {
    const id = await storeFalcon(falconHostDelivery({ 'device.status': 'contained' }, 1767225700));
    const result = await processor()(job(id));
    expect(await falconContainment()).toEqual(['crowdstrike:containment:contained']);
    expect(result.result).toMatchObject({ effect: 'updated', entity: 'device', external_id: FALCON_HOST.externalId });
  });

  it('keeps the host\'s other tags when its containment changes', async () => {
    const id = await storeFalcon(falconHostDelivery({ 'device.containment_status': 'containment_pending' }, 1767225700));
    await processor()(job(id));
    const [row] = await db.dataSource.query(`SELECT attributes FROM integration_mappings WHERE integration_id = $1 AND external_entity_id = $2`, [falcon, FALCON_HOST.externalId]);
    expect(row.attributes.tags).toEqual(['prod', 'crowdstrike:containment:containment_pending']);
  });

  it('sets the host back to normal when a later webhook says containment was lifted', async () => {
    await processor()(job(await storeFalcon(falconHostDelivery({ 'device.status': 'contained' }, 1767225700))));
    await processor()(job(await storeFalcon(falconHostDelivery({ 'device.action_taken': 'Network containment lifted' }, 1767225800))));
    expect(await falconContainment()).toEqual(['crowdstrike:containment:normal']);
  });

  it('sets the host contained when a detection says the machine was contained', async () => {
    const id = await storeFalcon();
    const result = await processor()(job(id));
    const [detection] = await db.dataSource.query(`SELECT severity FROM detections`);
    expect([detection.severity, await falconContainment()]).toEqual(['critical', ['crowdstrike:containment:contained']]);
    expect(result.result).toMatchObject({ effect: 'created', entity: 'detection', containment: 'contained', device: { effect: 'updated', external_id: FALCON_HOST.externalId } });
  });

  it('asks for a devices pull when the contained host is not known yet', async () => {
    await db.dataSource.query(`DELETE FROM integration_mappings WHERE integration_id = $1 AND external_entity_type = 'device'`, [falcon]);
    const id = await storeFalcon(falconHostDelivery({ 'device.status': 'contained' }, 1767225700));
    const result = await processor()(job(id));
    const [sync] = await db.dataSource.query(`SELECT sync_type FROM integration_syncs WHERE integration_id = $1`, [falcon]);
    expect([result.result?.effect, sync?.sync_type]).toEqual(['pull_requested', 'devices']);
  });

  it('still asks for a devices pull when a host webhook states no containment', async () => {
    const id = await storeFalcon(falconHostDelivery({ 'device.platform_name': 'Linux' }, 1767225700));
    const result = await processor()(job(id));
    expect([result.result?.effect, await falconContainment()]).toEqual(['pull_requested', ['crowdstrike:containment:normal']]);
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
