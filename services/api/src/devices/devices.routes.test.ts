import type { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { QUEUE_NAMES, createRedis, openQueue } from '@trustsync/queue';
import { TEST_REDIS_URL, testQueuePrefix } from '@trustsync/testing';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';

let api: ApiHarness;
let bare: ApiHarness;
let pushRedis: IORedis;
let pushQueue: Queue;
const DEVICE = 'DEV-0000000000AA';

beforeAll(async () => {
  pushRedis = createRedis(TEST_REDIS_URL, 'producer');
  pushQueue = openQueue(QUEUE_NAMES.push, pushRedis, testQueuePrefix('apipush'));
  await pushQueue.waitUntilReady();
  api = await startApiHarness('apipush', { pushQueue });
  bare = await startApiHarness('apinopush');
  await api.db.dataSource.query(`INSERT INTO devices (id, correlation_key, serial_number) VALUES ($1, 'serial:C02AA', 'C02AA')`, [DEVICE]);
});

afterAll(async () => {
  await Promise.all([api.close(), bare.close()]);
  await pushQueue.obliterate({ force: true }).catch(() => undefined);
  await pushQueue.close();
  pushRedis.disconnect();
});

async function kandji(): Promise<string> {
  const res = await api.call('POST', '/api/v1/integrations', { name: `Kandji ${Math.random()}`, integration_type: 'kandji', endpoint: 'https://acme.api.kandji.io', auth_type: 'bearer', credentials: { api_key: 'kandji-token-1234567890' }, push_compliance: true });
  expect(res.status).toBe(201);
  return res.body.id;
}

describe('device push routes', () => {
  it('answers 202 with one skipped entry per integration that cannot take the push', async () => {
    const id = await kandji();
    const res = await api.call('POST', `/api/v1/devices/${DEVICE}/compliance`, { is_compliant: false, compliance_score: 30, violations: ['filevault_disabled'] });
    expect([res.status, res.body.state_version, res.body.results[id]]).toEqual([202, 1, { integration_type: 'kandji', status: 'skipped', reason: 'vendor_cannot_receive' }]);
  });

  it('rejects a compliance body without is_compliant, naming the field', async () => {
    const res = await api.call('POST', `/api/v1/devices/${DEVICE}/compliance`, { compliance_score: 30 });
    expect([res.status, res.body.error.details.map((d: { field: string }) => d.field)]).toEqual([400, ['is_compliant']]);
  });

  it('rejects a risk level outside the original design', async () => {
    const res = await api.call('POST', `/api/v1/devices/${DEVICE}/risk-score`, { total_risk_score: 50, risk_level: 'severe' });
    expect(res.status).toBe(400);
  });

  it('answers 404 for a device that does not exist', async () => {
    const res = await api.call('POST', '/api/v1/devices/DEV-000000000404/risk-score', { total_risk_score: 50, risk_level: 'medium' });
    expect(res.status).toBe(404);
  });

  it('answers 503 when the API runs without a push queue', async () => {
    const res = await bare.call('POST', `/api/v1/devices/${DEVICE}/compliance`, { is_compliant: true });
    expect(res.status).toBe(503);
  });

  it('refuses a command no integration of the device can run', async () => {
    const res = await api.call('POST', `/api/v1/devices/${DEVICE}/actions/contain`, {});
    expect([res.status, res.body.error.code]).toEqual([409, 'conflict']);
  });
});

describe('push and response-rule routes', () => {
  it('refuses a response rule whose command cannot be undone', async () => {
    const id = await kandji();
    const res = await api.call('POST', `/api/v1/integrations/${id}/response-rules`, { name: 'wipe on critical', command: 'erase' });
    expect([res.status, res.body.error.details[0].field]).toEqual([400, 'command']);
  });

  it('creates a reversible response rule switched off by default', async () => {
    const id = await kandji();
    const res = await api.call('POST', `/api/v1/integrations/${id}/response-rules`, { name: 'lost mode on critical', command: 'enablelostmode', params: { message: 'Call IT' } });
    expect([res.status, res.body.enabled, res.body.min_severity]).toEqual([201, false, 'critical']);
  });

  it('refuses to retry a push that has not failed', async () => {
    const id = await kandji();
    const [row] = await api.db.dataSource.query(
      `INSERT INTO pushes (integration_id, device_id, external_id, kind, state_version, idempotency_key, payload, trigger, status) VALUES ($1, $2, 'x', 'compliance', 1, $3, '{}', 'api', 'succeeded') RETURNING id`,
      [id, DEVICE, `k-${Math.random()}`],
    );
    const res = await api.call('POST', `/api/v1/pushes/${row.id}/retry`);
    expect([res.status, res.body.error.details.status]).toEqual([409, 'succeeded']);
  });

  it('queues a failed push again on retry', async () => {
    const id = await kandji();
    const [row] = await api.db.dataSource.query(
      `INSERT INTO pushes (integration_id, device_id, external_id, kind, state_version, idempotency_key, payload, trigger, status, attempts) VALUES ($1, $2, 'x', 'compliance', 1, $3, '{}', 'api', 'failed', 8) RETURNING id`,
      [id, DEVICE, `k-${Math.random()}`],
    );
    const res = await api.call('POST', `/api/v1/pushes/${row.id}/retry`);
    expect([res.status, res.body.status, res.body.job_id]).toEqual([202, 'queued', `push-${row.id}-retry-9`]);
  });
});
