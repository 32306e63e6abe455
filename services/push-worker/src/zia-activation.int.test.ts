import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { SecretBox, createLogger } from '@trustsync/core';
import { MemoryTokenCache } from '@trustsync/connectors';
import { IntegrationSyncEntity, PushEntity, createIntegration, requestSync } from '@trustsync/db';
import { DEFAULT_COMPLIANCE_RULES, DEFAULT_RISK_WEIGHTS } from '@trustsync/posture';
import { PUSH_JOBS, QUEUE_NAMES, createRedis, enqueueEvaluationForChange, enqueueSync, openQueue } from '@trustsync/queue';
import { TEST_REDIS_URL, testQueuePrefix } from '@trustsync/testing';
// Importing other services is fine in a test: this one runs the API, both workers and the sandbox in-process.
import { startApiHarness, type ApiHarness } from '../../api/src/testing/api-harness';
import { RateGates } from '../../sync-worker/src/rate-gates';
import { createSyncProcessor } from '../../sync-worker/src/sync.processor';
import { startSandbox, type Sandbox } from '../../vendor-sandbox/src';
import { DEFAULT_ZSCALER_CREDENTIALS as Z } from '../../vendor-sandbox/src/vendors/zscaler/tenant';
import { requestOverdueActivations } from './push-activation.handler';
import { createPushProcessor } from './push.processor';
import type { PushWorkerDeps } from './push-worker.deps';
import { TestWorkers } from './testing/test-workers';
import { queueIdle, waitFor } from './testing/wait';

const DEVICES = 40;
const BURST = 20;
const box = new SecretBox([{ id: 't1', key: Buffer.alloc(32, 9) }], 't1');
const logger = createLogger({ service: 'test', silent: true });

let api: ApiHarness;
let sandbox: Sandbox;
let redis: IORedis;
let apiRedis: IORedis;
let syncQueue: Queue;
let pushQueue: Queue;
let zscalerId = '';
let pushDeps: PushWorkerDeps;
const testWorkers = new TestWorkers();
const syncGates = new RateGates();
const pushGates = new RateGates();

interface SandboxPushes {
  staged: unknown[];
  activations: Array<{ changes: Array<{ email: string; groups: Array<{ name: string }> }> }>;
  activationRequests: number;
  writes: number;
}

const admin = async <T>(path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${sandbox.url}/_sandbox/zscaler${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as T;
};

async function pushRow(id: string): Promise<PushEntity> {
  return api.db.dataSource.getRepository(PushEntity).findOneByOrFail({ id });
}

/** Sandbox device indexes whose owners differ, with their platform device ids: one ZIA user per push. */
async function devicesWithDistinctOwners(from: number, count: number): Promise<Array<{ deviceId: string; user: string }>> {
  const out: Array<{ deviceId: string; user: string }> = [];
  const seen = new Set<string>();
  for (let i = from; i < DEVICES && out.length < count; i++) {
    const d = await admin<{ udid: string; user: string; registrationState: string }>(`/devices/${i}`);
    if (seen.has(d.user)) continue;
    const rows: Array<{ platform_entity_id: string }> = await api.db.dataSource.query(
      `SELECT platform_entity_id FROM integration_mappings WHERE integration_id = $1 AND platform_entity_type = 'device' AND external_entity_id = $2 AND active`,
      [zscalerId, d.udid],
    );
    if (!rows[0]) continue;
    seen.add(d.user);
    out.push({ deviceId: rows[0].platform_entity_id, user: d.user });
  }
  if (out.length < count) throw new Error(`only ${out.length} Zscaler devices with distinct owners from index ${from}`);
  return out;
}

beforeAll(async () => {
  sandbox = await startSandbox({ people: 60, zscaler: { devices: DEVICES } });
  const prefix = testQueuePrefix('ziaactivation');
  redis = createRedis(TEST_REDIS_URL, 'worker');
  syncQueue = openQueue(QUEUE_NAMES.sync, redis, prefix);
  pushQueue = openQueue(QUEUE_NAMES.push, redis, prefix);
  apiRedis = createRedis(TEST_REDIS_URL, 'producer');
  const apiPushQueue = openQueue(QUEUE_NAMES.push, apiRedis, prefix);
  await apiPushQueue.waitUntilReady();
  api = await startApiHarness('ziaactivation', { syncQueue, pushQueue: apiPushQueue, redis: apiRedis, secretBox: box });
  const tokenCache = new MemoryTokenCache();
  testWorkers.start(QUEUE_NAMES.sync, createSyncProcessor({
    dataSource: api.db.dataSource, secretBox: box, gates: syncGates, tokenCache, logger, maxInCallRetryWaitMs: 2000,
    onEntitiesChanged: async (change) => void (await enqueueEvaluationForChange(pushQueue, change, 'sync')),
  }), prefix, { jobBackoff: true });
  pushDeps = {
    dataSource: api.db.dataSource, secretBox: box, gateFor: (i) => pushGates.for(i), tokenCache, logger, pushQueue,
    rules: { ...DEFAULT_COMPLIANCE_RULES, minimumOsVersions: {} }, riskWeights: DEFAULT_RISK_WEIGHTS, pushBaseline: false,
    commandPollMs: 100, commandTimeoutMs: 30_000, activationDebounceMs: 1500, activationMaxWaitMs: 20_000,
  };
  testWorkers.start(QUEUE_NAMES.push, createPushProcessor(pushDeps), prefix, { jobBackoff: true });
  const base = `${sandbox.url}/zscaler`;
  zscalerId = (await createIntegration(api.db.dataSource, box, {
    name: 'Zscaler', integrationType: 'zscaler', authType: 'legacy', endpoint: base, pushCompliance: true, rateLimitRequests: 200, rateLimitPeriodSeconds: 1,
    settings: { zpaBaseUrl: base, zccBaseUrl: base, zpaCustomerId: Z.zpaCustomerId, editLockBackoffMs: [50, 50, 50], activationPollMs: 20, activationTimeoutSeconds: 2 },
    credentials: { api_key: Z.ziaApiKey, client_id: Z.ziaUsername, client_secret: Z.ziaPassword, zpa_client_id: Z.zpaClientId, zpa_client_secret: Z.zpaClientSecret, zcc_api_key: Z.zccApiKey, zcc_secret_key: Z.zccSecretKey },
  }, 'test')).id;
}, 120_000);

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

describe('batched ZIA activation against the Zscaler sandbox', () => {
  it('activates nothing during a full sync, nor in the evaluations it triggers', async () => {
    const { sync: s } = await requestSync(api.db.dataSource, { integrationId: zscalerId, syncType: 'full', triggeredBy: 'test' });
    await enqueueSync(syncQueue, { syncId: s.id, integrationId: zscalerId, syncType: 'full' });
    const row = await waitFor('sync end', async () => {
      const r = await api.db.dataSource.getRepository(IntegrationSyncEntity).findOneByOrFail({ id: s.id });
      return ['pending', 'in_progress'].includes(r.status) ? null : r;
    }, 60_000);
    await queueIdle(pushQueue);
    const pushes = await admin<SandboxPushes>('/pushes');
    expect([row.status, pushes.activationRequests, pushes.activations.length, pushes.writes]).toEqual(['completed', 0, 0, 0]);
  });

  it(`stages ${BURST} compliance pushes sent at once and activates them together, each push succeeding only then`, async () => {
    const devices = await devicesWithDistinctOwners(0, BURST);
    const before = await admin<SandboxPushes>('/pushes');
    const answers = await Promise.all(devices.map((d) => api.call('POST', `/api/v1/devices/${d.deviceId}/compliance`, { is_compliant: false, compliance_score: 30, violations: ['filevault_disabled'] })));
    const pushIds = answers.map((a) => a.body.results[zscalerId].push_id as string);
    await waitFor('every push final', async () => (await Promise.all(pushIds.map(pushRow))).every((r) => ['succeeded', 'failed'].includes(r.status)), 60_000);
    await queueIdle(pushQueue);
    const after = await admin<SandboxPushes>('/pushes');
    const rows = await Promise.all(pushIds.map(pushRow));
    const activated = after.activations.slice(before.activations.length).flatMap((a) => a.changes);
    const quarantined = new Set(activated.filter((c) => c.groups.some((g) => g.name === 'Quarantine-Risky-Devices')).map((c) => c.email));
    const activationRequests = after.activationRequests - before.activationRequests;
    expect({
      statuses: rows.map((r) => r.status),
      activationOnRows: rows.map((r) => r.payloadSummary?.activation),
      writes: after.writes - before.writes,
      usersActivated: devices.every((d) => quarantined.has(d.user)),
      stillStaged: after.staged.length,
      // One activation for the burst (a second only when a row is marked staged just after the batch is read); one per push before.
      activationRequests: activationRequests >= 1 && activationRequests <= 2 ? 'one or two' : activationRequests,
    }).toEqual({
      statuses: Array(BURST).fill('succeeded'),
      activationOnRows: Array(BURST).fill('active'),
      writes: BURST,
      usersActivated: true,
      stillStaged: 0,
      activationRequests: 'one or two',
    });
  }, 90_000);

  it('shows a push as pending_activation through the API until an activation held up by an edit lock and a slow status settles', async () => {
    const [device] = await devicesWithDistinctOwners(BURST + 5, 1).catch(() => devicesWithDistinctOwners(0, 1));
    const before = await admin<SandboxPushes>('/pushes');
    const sent = await api.call('POST', `/api/v1/devices/${device.deviceId}/compliance`, { is_compliant: false, compliance_score: 20, violations: ['firewall_disabled'] });
    const pushId = sent.body.results[zscalerId].push_id as string;
    await waitFor('push staged', async () => (await pushRow(pushId)).status === 'pending_activation');
    // Armed inside the debounce window: the activation meets two 409s, then a status that does not settle in time.
    await admin('/zscaler-faults', { editLock: 2, activationInProgressPolls: 10_000 });
    const staged = await api.call('GET', `/api/v1/pushes/${pushId}`);
    await waitFor('first activation attempt failed', async () => (await pushRow(pushId)).errorKind !== null, 30_000);
    const waiting = await api.call('GET', `/api/v1/pushes/${pushId}`);
    await admin('/zscaler-faults', { activationInProgressPolls: 0 });
    await waitFor('push final', async () => ['succeeded', 'failed'].includes((await pushRow(pushId)).status), 30_000);
    const done = await api.call('GET', `/api/v1/pushes/${pushId}`);
    const after = await admin<SandboxPushes>('/pushes');
    expect({
      staged: [staged.body.status, staged.body.payload_summary.activation, staged.body.completed_at],
      waiting: [waiting.body.status, waiting.body.error_kind, waiting.body.completed_at],
      done: [done.body.status, done.body.payload_summary.activation, done.body.error, done.body.completed_at !== null],
      activationRequests: after.activationRequests - before.activationRequests,
    }).toEqual({
      staged: ['pending_activation', 'deferred', null],
      waiting: ['pending_activation', 'transient', null],
      done: ['succeeded', 'active', null, true],
      activationRequests: 2,
    });
  }, 60_000);
  it('asks again for a staged push whose activation request was lost, once it is overdue', async () => {
    const [device] = await devicesWithDistinctOwners(BURST + 10, 1).catch(() => devicesWithDistinctOwners(1, 1));
    const before = await admin<SandboxPushes>('/pushes');
    const sent = await api.call('POST', `/api/v1/devices/${device.deviceId}/compliance`, { is_compliant: false, compliance_score: 10, violations: ['sip_disabled'] });
    const pushId = sent.body.results[zscalerId].push_id as string;
    await waitFor('push staged', async () => (await pushRow(pushId)).status === 'pending_activation');
    // Lost: the debounced activation job is gone (removing it also drops its deduplication key).
    const lost = (await pushQueue.getDelayed()).filter((job) => job.name === PUSH_JOBS.activate);
    for (const job of lost) await job.remove();
    const notYetOverdue = await requestOverdueActivations(pushDeps);
    await api.db.dataSource.query(`UPDATE pushes SET updated_at = now() - interval '10 minutes' WHERE id = $1`, [pushId]);
    const overdue = await requestOverdueActivations(pushDeps);
    await waitFor('push final', async () => ['succeeded', 'failed'].includes((await pushRow(pushId)).status), 30_000);
    const after = await admin<SandboxPushes>('/pushes');
    expect([lost.length, notYetOverdue, overdue, (await pushRow(pushId)).status, after.activationRequests - before.activationRequests]).toEqual([1, [], [zscalerId], 'succeeded', 1]);
  }, 60_000);
});
