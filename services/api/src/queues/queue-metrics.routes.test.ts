import { startApiHarness, type ApiHarness } from '../testing/api-harness';

describe('queue dashboard and queue depth (real Redis)', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApiHarness('queuemetrics');
    await api.queue.add('integration.sync', { n: 1 });
    await api.queue.add('integration.sync', { n: 2 }, { priority: 5 });
    await api.queue.add('integration.sync', { n: 3 }, { delay: 60_000 });
  });

  afterAll(async () => {
    await api.close();
  });

  it('counts waiting, prioritized and delayed jobs of the sync queue for KEDA', async () => {
    const res = await api.call('GET', '/api/v1/queues/metrics');
    expect(res.status).toBe(200);
    expect(res.body.queues.sync).toEqual({ waiting: 1, prioritized: 1, delayed: 1, active: 0, total: 3 });
  });

  it('reports the webhook queue too', async () => {
    const res = await api.call('GET', '/api/v1/queues/metrics');
    expect(res.body.queues.webhook.total).toBe(0);
  });

  it('serves Bull Board at /admin/queues', async () => {
    const res = await fetch(`${api.baseUrl}/admin/queues`, { headers: api.authHeader });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('__UI_CONFIG__');
  });

  it('lists the queues in read-only mode for callers without an admin role, and writable for admins', async () => {
    const readOnly = async (key: string) => (await api.call('GET', '/admin/queues/api/queues', undefined, { key })).body.queues.find((q: { name: string }) => q.name === 'sync').readOnlyMode;
    expect([await readOnly(await api.createKey('viewer')), await readOnly(await api.createKey('operator')), await readOnly(api.adminKey)]).toEqual([true, true, false]);
  });

  it('refuses the dashboard without a key', async () => {
    expect((await api.call('GET', '/admin/queues/api/queues', undefined, { key: null })).status).toBe(401);
  });
});
