import { generateKeyPairSync } from 'node:crypto';
import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { SecretBox, createLogger } from '@trustsync/core';
import { MemoryTokenCache } from '@trustsync/connectors';
import { IntegrationSyncEntity, PushEntity, createIntegration, requestSync, type IntegrationInput } from '@trustsync/db';
import { DEFAULT_COMPLIANCE_RULES, DEFAULT_RISK_WEIGHTS } from '@trustsync/posture';
import { QUEUE_NAMES, createRedis, enqueueEvaluationForChange, enqueueSync, openQueue } from '@trustsync/queue';
import { TEST_REDIS_URL, testQueuePrefix, type TestDatabase } from '@trustsync/testing';
// Importing other services is fine in a test: this one runs the whole pipeline in-process.
import { startApiHarness, type ApiHarness } from '../../api/src/testing/api-harness';
import { RateGates } from '../../sync-worker/src/rate-gates';
import { createSyncProcessor } from '../../sync-worker/src/sync.processor';
import { startSandbox, type Sandbox } from '../../vendor-sandbox/src';
import { DEFAULT_KANDJI_TOKEN } from '../../vendor-sandbox/src/vendors/kandji';
import { DEFAULT_SERAPHIC_API_KEY } from '../../vendor-sandbox/src/vendors/seraphic';
import { DEFAULT_ZSCALER_CREDENTIALS as Z } from '../../vendor-sandbox/src/vendors/zscaler/tenant';
import { createPushProcessor } from './push.processor';
import { TestWorkers } from './testing/test-workers';
import { queueIdle, waitFor } from './testing/wait';

const DEVICES = 24;
const box = new SecretBox([{ id: 't1', key: Buffer.alloc(32, 9) }], 't1');
const logger = createLogger({ service: 'test', silent: true });
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const SSF_KEY = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

let api: ApiHarness;
let db: TestDatabase;
let sandbox: Sandbox;
let redis: IORedis;
let apiRedis: IORedis;
let syncQueue: Queue;
let pushQueue: Queue;
const testWorkers = new TestWorkers();
const syncGates = new RateGates();
const pushGates = new RateGates();
const ids: Record<'kandji' | 'zscaler' | 'seraphic' | 'okta' | 'crowdstrike', string> = { kandji: '', zscaler: '', seraphic: '', okta: '', crowdstrike: '' };

function integrations(url: string): Record<keyof typeof ids, IntegrationInput> {
  const base = `${url}/zscaler`;
  return {
    zscaler: {
      name: 'Zscaler', integrationType: 'zscaler', authType: 'legacy', endpoint: base, pushCompliance: true,
      settings: { zpaBaseUrl: base, zccBaseUrl: base, zpaCustomerId: Z.zpaCustomerId, editLockBackoffMs: [50, 50, 50], activationPollMs: 20 },
      credentials: { api_key: Z.ziaApiKey, client_id: Z.ziaUsername, client_secret: Z.ziaPassword, zpa_client_id: Z.zpaClientId, zpa_client_secret: Z.zpaClientSecret, zcc_api_key: Z.zccApiKey, zcc_secret_key: Z.zccSecretKey },
    },
    seraphic: { name: 'Seraphic', integrationType: 'seraphic', authType: 'api_key', endpoint: `${url}/seraphic`, pushCompliance: true, pushRiskScores: true, credentials: { api_key: DEFAULT_SERAPHIC_API_KEY } },
    okta: { name: 'Okta', integrationType: 'okta', authType: 'api_token', endpoint: `${url}/okta`, pushCompliance: true, settings: { ssfIssuer: 'https://trustsync.example' }, credentials: { api_key: 'sandbox-okta-api-token', ssf_private_key: SSF_KEY } },
    crowdstrike: { name: 'Falcon', integrationType: 'crowdstrike', authType: 'oauth', endpoint: `${url}/crowdstrike`, region: 'us-1', credentials: { client_id: 'sandbox-falcon-client', client_secret: 'sandbox-falcon-secret' } },
    kandji: { name: 'Kandji', integrationType: 'kandji', authType: 'bearer', endpoint: `${url}/kandji`, pushCompliance: true, credentials: { api_key: DEFAULT_KANDJI_TOKEN } },
  };
}

async function sync(integrationId: string): Promise<void> {
  const { sync: s } = await requestSync(db.dataSource, { integrationId, syncType: 'full', triggeredBy: 'test' });
  await enqueueSync(syncQueue, { syncId: s.id, integrationId, syncType: 'full' });
  const row = await waitFor('sync end', async () => {
    const r = await db.dataSource.getRepository(IntegrationSyncEntity).findOneByOrFail({ id: s.id });
    return ['pending', 'in_progress'].includes(r.status) ? null : r;
  }, 60_000);
  if (row.status !== 'completed') throw new Error(`sync of ${integrationId} ended ${row.status}: ${row.errorMessage}`);
}

// Through the API harness' helper, which sends the credentials the API asks for.
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  return api.call(method, path, body);
}

const admin = async <T>(vendor: string, path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${sandbox.url}/_sandbox/${vendor}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as T;
};

/** Compliance signals (not risk signals) the Seraphic sandbox received for one endpoint. */
async function seraphicCompliancePushes(endpointId: string): Promise<number> {
  const pushes = await admin<Array<{ endpointId: string; body: { compliant?: boolean } }>>('seraphic', '/pushes');
  return pushes.filter((p) => p.endpointId === endpointId && typeof p.body.compliant === 'boolean').length;
}

/** The device's id in one vendor tenant. */
async function externalId(deviceId: string, integrationId: string): Promise<string> {
  const rows: Array<{ external_entity_id: string }> = await db.dataSource.query(`SELECT external_entity_id FROM integration_mappings WHERE platform_entity_id = $1 AND integration_id = $2 AND active`, [deviceId, integrationId]);
  return rows[0].external_entity_id;
}

/** A device every pushing vendor knows, compliant after the first syncs. */
async function compliantDevice(offset = 0): Promise<{ id: string; serial: string }> {
  const rows: Array<{ id: string; serial_number: string }> = await db.dataSource.query(
    `SELECT d.id, d.serial_number FROM devices d WHERE d.is_compliant
        AND (SELECT count(DISTINCT m.integration_id) FROM integration_mappings m WHERE m.platform_entity_id = d.id AND m.active AND m.integration_id = ANY($1)) = 3
      ORDER BY d.serial_number OFFSET $2 LIMIT 1`,
    [[ids.zscaler, ids.seraphic, ids.okta], offset],
  );
  if (!rows[0]) throw new Error('the sandbox fleet has no compliant device known to Zscaler, Seraphic and Okta');
  return { id: rows[0].id, serial: rows[0].serial_number };
}

beforeAll(async () => {
  sandbox = await startSandbox({ people: 60, kandji: { devices: DEVICES }, zscaler: { devices: DEVICES }, seraphic: { devices: DEVICES }, okta: { devices: DEVICES }, crowdstrike: { devices: DEVICES, containmentDelayMs: 200 } });
  const prefix = testQueuePrefix('pushpipe');
  redis = createRedis(TEST_REDIS_URL, 'worker');
  syncQueue = openQueue(QUEUE_NAMES.sync, redis, prefix);
  pushQueue = openQueue(QUEUE_NAMES.push, redis, prefix);
  apiRedis = createRedis(TEST_REDIS_URL, 'producer');
  const apiPushQueue = openQueue(QUEUE_NAMES.push, apiRedis, prefix);
  await apiPushQueue.waitUntilReady();
  // The API under test runs over the harness' database; the workers share it.
  api = await startApiHarness('pushpipe', { syncQueue, pushQueue: apiPushQueue, redis: apiRedis, secretBox: box });
  db = api.db;
  const tokenCache = new MemoryTokenCache();
  testWorkers.start(QUEUE_NAMES.sync, createSyncProcessor({
    dataSource: db.dataSource, secretBox: box, gates: syncGates, tokenCache, logger, maxInCallRetryWaitMs: 2000,
    onEntitiesChanged: async (change) => void (await enqueueEvaluationForChange(pushQueue, change, 'sync')),
  }), prefix);
  testWorkers.start(QUEUE_NAMES.push, createPushProcessor({
    dataSource: db.dataSource, secretBox: box, gateFor: (i) => pushGates.for(i), tokenCache, logger, pushQueue,
    rules: { ...DEFAULT_COMPLIANCE_RULES, minimumOsVersions: {} }, riskWeights: DEFAULT_RISK_WEIGHTS, pushBaseline: false,
    commandPollMs: 100, commandTimeoutMs: 30_000,
  }), prefix);

  const inputs = integrations(sandbox.url);
  // Kandji last: its posture is what first makes devices evaluable, once every vendor knows them.
  for (const vendor of ['zscaler', 'seraphic', 'okta', 'crowdstrike', 'kandji'] as const) {
    ids[vendor] = (await createIntegration(db.dataSource, box, inputs[vendor], 'test')).id;
    await sync(ids[vendor]);
  }
  await queueIdle(pushQueue);
}, 180_000);

afterAll(async () => {
  await testWorkers.close();
  await Promise.all([syncGates.close(), pushGates.close()]);
  await pushQueue.obliterate({ force: true }).catch(() => undefined);
  await syncQueue.obliterate({ force: true }).catch(() => undefined);
  await Promise.all([pushQueue.close(), syncQueue.close()]);
  await api.close();
  redis.disconnect();
  apiRedis.disconnect();
  await sandbox.close();
});

describe('push orchestration against the vendor sandboxes', () => {
  it('pushes a Kandji device that lost FileVault to Zscaler, Seraphic and Okta exactly once each, with push rows', async () => {
    const device = await compliantDevice();
    const [udid, endpointId, oktaId] = [await externalId(device.id, ids.zscaler), await externalId(device.id, ids.seraphic), await externalId(device.id, ids.okta)];
    const before = {
      seraphic: await seraphicCompliancePushes(endpointId),
      okta: (await admin<{ securityEvents: unknown[] }>('okta', '/pushed')).securityEvents.filter((e) => JSON.stringify(e).includes(oktaId)).length,
    };

    await admin('kandji', `/devices/${device.serial}/posture`, { filevault: false });
    await sync(ids.kandji);
    await queueIdle(pushQueue);

    const rows = await db.dataSource.getRepository(PushEntity).find({ where: { deviceId: device.id, kind: 'compliance' }, order: { id: 'ASC' } });
    const zscalerUser = rows.find((r) => r.integrationId === ids.zscaler)?.payloadSummary?.user;
    const activations = (await admin<{ activations: Array<{ changes: Array<{ email: string }> }> }>('zscaler', '/pushes')).activations.flatMap((a) => a.changes).filter((c) => c.email === zscalerUser);
    const after = {
      seraphic: await seraphicCompliancePushes(endpointId),
      okta: (await admin<{ securityEvents: unknown[] }>('okta', '/pushed')).securityEvents.filter((e) => JSON.stringify(e).includes(oktaId)).length,
    };
    expect({
      rows: rows.map((r) => [r.integrationId, r.status, r.externalId, r.payload.violations]),
      zscalerActivations: activations.length,
      seraphic: after.seraphic - before.seraphic,
      okta: after.okta - before.okta,
    }).toEqual({
      rows: expect.arrayContaining([
        [ids.zscaler, 'succeeded', udid, ['filevault_disabled']],
        [ids.seraphic, 'succeeded', endpointId, ['filevault_disabled']],
        [ids.okta, 'succeeded', oktaId, ['filevault_disabled']],
      ]),
      zscalerActivations: 1,
      seraphic: 1,
      okta: 1,
    });
    expect(rows).toHaveLength(3);
  });

  it('lists the automatic pushes of an integration through the API', async () => {
    const list = await call('GET', `/api/v1/integrations/${ids.okta}/pushes?kind=compliance&status=succeeded`);
    expect([list.status, list.body.total > 0, list.body.items.every((p: { trigger: string; integration_id: string }) => p.integration_id === ids.okta)]).toEqual([200, true, true]);
  });

  it('pushes the same compliance request sent twice only once', async () => {
    const device = await compliantDevice(1);
    const endpointId = await externalId(device.id, ids.seraphic);
    const before = (await admin<Array<{ endpointId: string }>>('seraphic', '/pushes')).filter((p) => p.endpointId === endpointId).length;
    const body = { is_compliant: false, compliance_score: 40, violations: ['manual_review'] };

    const first = await call('POST', `/api/v1/devices/${device.id}/compliance?wait=true`, body);
    const second = await call('POST', `/api/v1/devices/${device.id}/compliance?wait=true`, body);
    await queueIdle(pushQueue);

    const after = (await admin<Array<{ endpointId: string }>>('seraphic', '/pushes')).filter((p) => p.endpointId === endpointId).length;
    expect({
      first: [first.status, first.body.results[ids.seraphic].status, first.body.results[ids.seraphic].success, first.body.results[ids.kandji].reason],
      second: [second.body.results[ids.seraphic].push_id === first.body.results[ids.seraphic].push_id, second.body.state_version === first.body.state_version],
      seraphicPushes: after - before,
    }).toEqual({ first: [200, 'succeeded', true, 'vendor_cannot_receive'], second: [true, true], seraphicPushes: 1 });
  });

  it('delays a push on a 429 without using an attempt and then delivers it', async () => {
    const device = await compliantDevice(2);
    await admin('seraphic', '/faults', { rateLimitStorm: 1, retryAfter: '1' });

    const res = await call('POST', `/api/v1/devices/${device.id}/risk-score?wait=true&wait_ms=15000`, { total_risk_score: 72, risk_level: 'high', risk_factors: ['manual_escalation'] });
    const push = await db.dataSource.getRepository(PushEntity).findOneByOrFail({ id: res.body.results[ids.seraphic].push_id });

    expect({ success: res.body.results[ids.seraphic].success, status: push.status, attempts: push.attempts, deferrals: push.deferrals }).toEqual({ success: true, status: 'succeeded', attempts: 1, deferrals: 1 });
  });

  it('contains a CrowdStrike host through the API and reports it contained', async () => {
    const device = await compliantDevice(3);
    const sent = await call('POST', `/api/v1/devices/${device.id}/actions/contain`, {});
    const done = await waitFor('containment', async () => {
      const c = await call('GET', `/api/v1/commands/${sent.body.id}`);
      return ['completed', 'failed'].includes(c.body.status) ? c.body : null;
    });
    expect([sent.status, done.command, done.status, done.result?.containmentStatus]).toEqual([202, 'contain', 'completed', 'contained']);
  });
});
