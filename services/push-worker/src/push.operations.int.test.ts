import { Queue, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import { createLogger } from '@trustsync/core';
import { MemoryTokenCache } from '@trustsync/connectors';
import { IntegrationSyncEntity, PushEntity, addVendorUsage, createIntegration, requestSync, type IntegrationInput } from '@trustsync/db';
import { createMetrics, type TrustSyncMetrics } from '@trustsync/metrics';
import { DEFAULT_COMPLIANCE_RULES, DEFAULT_RISK_WEIGHTS } from '@trustsync/posture';
import { QUEUE_NAMES, createRedis, enqueueEvaluationForChange, enqueueSync, openQueue } from '@trustsync/queue';
import { TEST_REDIS_URL, testQueuePrefix } from '@trustsync/testing';
// Importing other services is fine in a test: this one runs ingress, workers and sandbox in-process.
import { startApiHarness, type ApiAnswer, type ApiHarness } from '../../api/src/testing/api-harness';
import { RateGates } from '../../sync-worker/src/rate-gates';
import { createSyncProcessor } from '../../sync-worker/src/sync.processor';
import { startSandbox, type Sandbox } from '../../vendor-sandbox/src';
import { DEFAULT_KANDJI_TOKEN } from '../../vendor-sandbox/src/vendors/kandji';
import { DEFAULT_SERAPHIC_API_KEY } from '../../vendor-sandbox/src/vendors/seraphic';
import { createWebhookProcessor } from '../../webhook-worker/src/webhook.processor';
import { createPushProcessor } from './push.processor';
import { TestWorkers } from './testing/test-workers';
import { waitFor } from './testing/wait';

const DEVICES = 16;
const FALCON_WEBHOOK_SECRET = 'falcon-webhook-hmac-secret-0123456789abcdef';
// Falcon sandbox alert k is critical when k % 4 === 3; only alerts 0–2 exist at the first pull, so alert 3 is new when its webhook comes.
const CRITICAL_ALERT = 3;
const logger = createLogger({ service: 'test', silent: true });

let api: ApiHarness;
let sandbox: Sandbox;
let producer: IORedis;
let syncQueue: Queue;
let pushQueue: Queue;
let webhookQueue: Queue;
let metrics: TrustSyncMetrics;
let pushWorker: Worker;
const testWorkers = new TestWorkers();
const syncGates = new RateGates();
const pushGates = new RateGates();
const ids = { seraphic: '', crowdstrike: '', kandji: '' };

function integrations(url: string): Record<keyof typeof ids, IntegrationInput> {
  return {
    seraphic: { name: 'Seraphic', integrationType: 'seraphic', authType: 'api_key', endpoint: `${url}/seraphic`, pushCompliance: true, pushRiskScores: true, credentials: { api_key: DEFAULT_SERAPHIC_API_KEY } },
    crowdstrike: {
      name: 'Falcon', integrationType: 'crowdstrike', authType: 'oauth', endpoint: `${url}/crowdstrike`, region: 'us-1', webhookEnabled: true, webhookSecret: FALCON_WEBHOOK_SECRET,
      credentials: { client_id: 'sandbox-falcon-client', client_secret: 'sandbox-falcon-secret' },
    },
    kandji: { name: 'Kandji', integrationType: 'kandji', authType: 'bearer', endpoint: `${url}/kandji`, pushCompliance: true, credentials: { api_key: DEFAULT_KANDJI_TOKEN } },
  };
}

async function queueIdle(queue: Queue): Promise<void> {
  let quietRounds = 0;
  await waitFor(`${queue.name} queue idle`, async () => {
    const c = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized');
    quietRounds = Object.values(c).every((n) => n === 0) ? quietRounds + 1 : 0;
    return quietRounds >= 5;
  }, 60_000);
}

async function sync(integrationId: string): Promise<void> {
  const ds = api.db.dataSource;
  const { sync: s } = await requestSync(ds, { integrationId, syncType: 'full', triggeredBy: 'test' });
  await enqueueSync(syncQueue, { syncId: s.id, integrationId, syncType: 'full' });
  const row = await waitFor('sync end', async () => {
    const r = await ds.getRepository(IntegrationSyncEntity).findOneByOrFail({ id: s.id });
    return ['pending', 'in_progress'].includes(r.status) ? null : r;
  }, 60_000);
  if (row.status !== 'completed') throw new Error(`sync of ${integrationId} ended ${row.status}: ${row.errorMessage}`);
}

const admin = async <T>(vendor: string, path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${sandbox.url}/_sandbox/${vendor}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as T;
};

/** A platform device that `integrationId` reports, and its id in that tenant. */
async function deviceOf(integrationId: string, offset = 0): Promise<{ id: string; externalId: string }> {
  const rows: Array<{ platform_entity_id: string; external_entity_id: string }> = await api.db.dataSource.query(
    `SELECT platform_entity_id, external_entity_id FROM integration_mappings WHERE integration_id = $1 AND platform_entity_type = 'device' AND active ORDER BY external_entity_id OFFSET $2 LIMIT 1`,
    [integrationId, offset],
  );
  if (!rows[0]) throw new Error(`integration ${integrationId} reports no device at offset ${offset}`);
  return { id: rows[0].platform_entity_id, externalId: rows[0].external_entity_id };
}

/** Polls a command through the API until it is final. */
async function commandSettled(id: string): Promise<ApiAnswer['body']> {
  return waitFor(`command ${id} final`, async () => {
    const c = await api.call('GET', `/api/v1/commands/${id}`);
    return ['completed', 'failed'].includes(c.body?.status) ? c.body : null;
  });
}

/** This process' vendor request counts, written to the hourly usage table as the push worker's flush does. */
async function flushVendorUsage(): Promise<void> {
  await addVendorUsage(api.db.dataSource, metrics.vendorUsage!.drain());
}

async function vendorRequestsOf(integrationId: string): Promise<number> {
  const stats = await api.call('GET', '/api/v1/integrations/statistics');
  return stats.body.integrations.find((i: { integration_id: string }) => i.integration_id === integrationId).vendor_requests.total;
}

beforeAll(async () => {
  const prefix = testQueuePrefix('pushops');
  producer = createRedis(TEST_REDIS_URL, 'producer');
  syncQueue = openQueue(QUEUE_NAMES.sync, producer, prefix);
  pushQueue = openQueue(QUEUE_NAMES.push, producer, prefix);
  webhookQueue = openQueue(QUEUE_NAMES.webhook, producer, prefix);
  await Promise.all([syncQueue.waitUntilReady(), pushQueue.waitUntilReady(), webhookQueue.waitUntilReady()]);
  // The API under test runs over the harness' database; the workers share it.
  api = await startApiHarness('pushops', { syncQueue, pushQueue, webhookQueue });
  const ds = api.db.dataSource;
  sandbox = await startSandbox({
    people: 40,
    kandji: { devices: DEVICES, commandCompleteMs: 300 },
    seraphic: { devices: DEVICES },
    crowdstrike: { devices: DEVICES, alerts: CRITICAL_ALERT, containmentDelayMs: 200 },
  } as Parameters<typeof startSandbox>[0]);

  const tokenCache = new MemoryTokenCache();
  const evaluate = (reason: 'sync' | 'webhook') => async (change: { integrationId: string; entity: string; platformIds: string[] }) => void (await enqueueEvaluationForChange(pushQueue, change, reason));
  testWorkers.start(QUEUE_NAMES.sync, createSyncProcessor({ dataSource: ds, secretBox: api.box, gates: syncGates, tokenCache, logger, maxInCallRetryWaitMs: 2000, onEntitiesChanged: evaluate('sync') }), prefix);
  testWorkers.start(QUEUE_NAMES.webhook, createWebhookProcessor({ dataSource: ds, syncQueue, webhookQueue, logger, onEntitiesChanged: evaluate('webhook') }), prefix);
  metrics = createMetrics('push-worker-test', { keepVendorUsage: true, defaultMetrics: false });
  pushWorker = testWorkers.start(QUEUE_NAMES.push, createPushProcessor({
    dataSource: ds, secretBox: api.box, gateFor: (i) => pushGates.for(i), tokenCache, logger, metrics, pushQueue,
    rules: { ...DEFAULT_COMPLIANCE_RULES, minimumOsVersions: {} }, riskWeights: DEFAULT_RISK_WEIGHTS, pushBaseline: false,
    commandPollMs: 100, commandTimeoutMs: 30_000,
  }), prefix);

  const inputs = integrations(sandbox.url);
  for (const vendor of ['seraphic', 'crowdstrike', 'kandji'] as const) {
    ids[vendor] = (await createIntegration(ds, api.box, inputs[vendor], 'test')).id;
    await sync(ids[vendor]);
  }
  await queueIdle(pushQueue);
}, 180_000);

afterAll(async () => {
  await testWorkers.close();
  await Promise.all([syncGates.close(), pushGates.close()]);
  for (const q of [pushQueue, syncQueue, webhookQueue]) await q.obliterate({ force: true }).catch(() => undefined);
  await Promise.all([pushQueue.close(), syncQueue.close(), webhookQueue.close()]);
  producer.disconnect();
  await sandbox?.close();
  await api?.close();
});

describe('a newer state for the same device and integration', () => {
  it('supersedes the older queued compliance push, so the vendor only receives the newer one', async () => {
    const device = await deviceOf(ids.seraphic, 0);
    const received = async () => (await admin<Array<{ endpointId: string; body: { compliant?: boolean; complianceScore?: number; score?: number } }>>('seraphic', '/pushes')).filter((p) => p.endpointId === device.externalId && typeof p.body.compliant === 'boolean');
    const before = (await received()).length;

    // Both states are queued before the worker takes either: the older one must not be sent.
    await pushWorker.pause();
    let older: ApiAnswer;
    let newer: ApiAnswer;
    try {
      older = await api.call('POST', `/api/v1/devices/${device.id}/compliance`, { is_compliant: false, compliance_score: 20, violations: ['manual_review'] });
      newer = await api.call('POST', `/api/v1/devices/${device.id}/compliance`, { is_compliant: true, compliance_score: 95, violations: [] });
    } finally {
      pushWorker.resume();
    }
    await queueIdle(pushQueue);

    const olderRow = await api.db.dataSource.getRepository(PushEntity).findOneByOrFail({ id: older.body.results[ids.seraphic].push_id });
    const newerRow = await api.db.dataSource.getRepository(PushEntity).findOneByOrFail({ id: newer.body.results[ids.seraphic].push_id });
    const sent = (await received()).slice(before);
    expect([older.status, newer.status, newer.body.state_version > older.body.state_version]).toEqual([202, 202, true]);
    expect([olderRow.status, olderRow.attempts, newerRow.status]).toEqual(['superseded', 0, 'succeeded']);
    expect(sent.map((p) => p.body.compliant)).toEqual([true]);
  });
});

describe('vendor request figures of pushes', () => {
  it('counts the vendor requests a push makes in the integration statistics', async () => {
    const device = await deviceOf(ids.seraphic, 1);
    await flushVendorUsage();
    const before = await vendorRequestsOf(ids.seraphic);

    const res = await api.call('POST', `/api/v1/devices/${device.id}/risk-score?wait=true&wait_ms=15000`, { total_risk_score: 81, risk_level: 'high', risk_factors: ['manual_escalation'] });
    await flushVendorUsage();
    const after = await vendorRequestsOf(ids.seraphic);

    expect([res.status, res.body.results[ids.seraphic].success]).toEqual([200, true]);
    expect(after - before).toBeGreaterThanOrEqual(1);
  });
});

describe('response rules', () => {
  it('contains the host of a new critical Falcon detection, and the undo of the automatic action lifts it', async () => {
    const rule = await api.call('POST', `/api/v1/integrations/${ids.crowdstrike}/response-rules`, { name: 'contain on critical', trigger: 'detection', min_severity: 'critical', command: 'contain', enabled: true });
    expect(rule.status).toBe(201);

    // Falcon Fusion posts the critical detection to the webhook; ingress → webhook worker → evaluation → rule.
    const delivery = await admin<{ status: number; compositeId: string }>('crowdstrike', '/webhooks/send', { url: `${api.baseUrl}/api/v1/integrations/webhooks/${ids.crowdstrike}`, secret: FALCON_WEBHOOK_SECRET, alertIndex: CRITICAL_ALERT });
    expect(delivery.status).toBe(202);
    const action = await waitFor('automatic action', async () => {
      const list = await api.call('GET', `/api/v1/integrations/${ids.crowdstrike}/automatic-actions`);
      return list.body.items?.find((a: { command_id: string | null }) => a.command_id) ?? null;
    });
    const contained = await commandSettled(action.command_id);
    const [detection] = await api.db.dataSource.query(`SELECT d.id, d.severity, d.device_id FROM detections d JOIN integration_mappings m ON m.platform_entity_id = d.id WHERE m.external_entity_id = $1`, [delivery.compositeId]);
    const aid: string = (await api.db.dataSource.query(`SELECT external_entity_id FROM integration_mappings WHERE integration_id = $1 AND platform_entity_id = $2`, [ids.crowdstrike, detection.device_id]))[0].external_entity_id;
    expect([action.status, action.trigger_ref, action.device_id, detection.severity]).toEqual(['executed', detection.id, detection.device_id, 'critical']);
    expect([contained.command, contained.status, contained.result?.containmentStatus]).toEqual(['contain', 'completed', 'contained']);

    const undo = await api.call('POST', `/api/v1/automatic-actions/${action.id}/undo`);
    expect([undo.status, undo.body.status, undo.body.undo_command.command]).toEqual([202, 'undone', 'lift_containment']);
    const lifted = await commandSettled(undo.body.undo_command.id);
    const falconActions = (await admin<Array<{ action: string; ids: string[] }>>('crowdstrike', '/actions')).filter((a) => a.ids.includes(aid)).map((a) => a.action);
    expect([lifted.status, lifted.result?.containmentStatus]).toEqual(['completed', 'normal']);
    expect(falconActions).toEqual(['contain', 'lift_containment']);
  });
});

describe('device commands through the API', () => {
  it('sends a Kandji blank push to the vendor and tracks it to completion', async () => {
    const device = await deviceOf(ids.kandji, 0);
    const sent = await api.call('POST', `/api/v1/devices/${device.id}/commands`, { command: 'blankpush' });
    const done = await commandSettled(sent.body.id);
    const atKandji = (await admin<Array<{ device_id: string; request_type: string }>>('kandji', '/commands')).filter((c) => c.device_id === device.externalId);
    expect([sent.status, sent.body.command, sent.body.integration_id]).toEqual([202, 'blankpush', ids.kandji]);
    expect([done.status, done.attempts]).toEqual(['completed', 1]);
    expect(atKandji.map((c) => c.request_type)).toEqual(['BlankPush']);
  });

  it('polls a Kandji command the vendor runs later until Kandji reports it done', async () => {
    const device = await deviceOf(ids.kandji, 1);
    const sent = await api.call('POST', `/api/v1/devices/${device.id}/commands`, { command: 'updateinventory' });
    const done = await commandSettled(sent.body.id);
    const atKandji = (await admin<Array<{ uuid: string; device_id: string; request_type: string; pending: boolean }>>('kandji', '/commands')).filter((c) => c.device_id === device.externalId);
    expect([sent.status, done.status, done.polls > 0]).toEqual([202, 'completed', true]);
    expect(atKandji.map((c) => [c.request_type, c.uuid === done.vendor_reference, c.pending])).toEqual([['DeviceInformation', true, false]]);
  });
});
