import { METRIC_NAMES, parseExposition, sumSamples, type MetricSample } from '@trustsync/metrics';
import { freePort, startService, startStack, syncToEnd, waitForHttp, type Stack } from './harness';

let stack: Stack;

// The API's /metrics needs a viewer key (Prometheus sends it as a bearer token); workers' health ports need none.
async function scrape(url: string): Promise<MetricSample[]> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${stack.adminKey}` } });
  if (!res.ok) throw new Error(`${url}/metrics answered ${res.status}`);
  return parseExposition(await res.text());
}

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('metrics of the running processes during a sync (api, sync worker, Kandji sandbox)', () => {
  let worker: string;
  let integrationId: string;
  let before: { api: MetricSample[]; worker: MetricSample[] };
  let after: { api: MetricSample[]; worker: MetricSample[] };

  beforeAll(async () => {
    stack = await startStack('metrics', { SANDBOX_VENDORS: 'kandji', SANDBOX_KANDJI_DEVICES: '60', SANDBOX_PEOPLE: '40' }, 0);
    const port = await freePort();
    const sync = startService('sync-worker', {
      ...stack.env,
      WORKER_HEALTH_PORT: String(port),
      HEALTH_CHECK_EVERY_MS: '600000',
      HEALTH_CHECK_RECONCILE_EVERY_MS: '300',
      VENDOR_USAGE_FLUSH_EVERY_MS: '300',
    });
    stack.services.push(sync);
    worker = `http://127.0.0.1:${port}`;
    await waitForHttp(`${worker}/readyz`, sync);
    const created = await stack.call<{ id: string }>('POST', '/api/v1/integrations', {
      name: 'Kandji metrics', integration_type: 'kandji', auth_type: 'bearer', endpoint: `${stack.sandbox}/kandji`, credentials: { api_key: 'sandbox-kandji-token' },
    });
    integrationId = created.body.id;
    before = { api: await scrape(stack.api), worker: await scrape(worker) };
    await stack.call('POST', `/api/v1/integrations/${integrationId}/test`);
    await syncToEnd(stack, integrationId);
    after = {
      api: await scrape(stack.api),
      // The sync row is read after the job's completed event, and the first health check follows the next reconcile.
      worker: await eventually(() => scrape(worker), (s) => sumSamples(s, METRIC_NAMES.syncItems) > 0 && sumSamples(s, METRIC_NAMES.vendorRequests) > 0),
    };
  }, 180_000);

  afterAll(async () => stack?.stop());

  it('counts the finished sync job on the sync worker', () => {
    const where = { queue: 'sync', job_name: 'integration.sync', outcome: 'completed' };
    const name = `${METRIC_NAMES.jobDuration}_count`;
    expect(sumSamples(after.worker, name, where) - sumSamples(before.worker, name, where)).toBe(1);
  });

  it('adds the synced items from the sync row on the sync worker', () => {
    expect(sumSamples(after.worker, METRIC_NAMES.syncItems, { integration_id: integrationId, entity: 'device', operation: 'created' })).toBe(60);
    expect(sumSamples(after.worker, METRIC_NAMES.syncs, { integration_id: integrationId, status: 'completed' })).toBe(1);
  });

  it('counts the vendor requests of the scheduled health check on the sync worker', () => {
    expect(sumSamples(after.worker, METRIC_NAMES.vendorRequests, { vendor: 'kandji', integration_id: integrationId, status_class: '2xx' })).toBeGreaterThan(0);
  });

  it('counts the vendor requests of the connection test on the api', () => {
    const where = { vendor: 'kandji', integration_id: integrationId, status_class: '2xx' };
    expect(sumSamples(after.api, METRIC_NAMES.vendorRequests, where) - sumSamples(before.api, METRIC_NAMES.vendorRequests, where)).toBeGreaterThan(0);
  });

  it('shows the integration healthy and fresh on the api', () => {
    expect(sumSamples(after.api, METRIC_NAMES.integrationHealth, { integration_id: integrationId, state: 'healthy' })).toBe(1);
    expect(sumSamples(after.api, METRIC_NAMES.integrationStaleSeconds, { integration_id: integrationId })).toBeLessThan(120);
  });

  it('counts the API requests of the test by route', () => {
    const where = { method: 'GET', route: '/api/v1/syncs/:sync_id', status_class: '2xx' };
    expect(sumSamples(after.api, METRIC_NAMES.httpRequests, where)).toBeGreaterThan(sumSamples(before.api, METRIC_NAMES.httpRequests, where));
  });

  it('reports the sync queue depth by state on both processes', () => {
    for (const samples of [after.api, after.worker]) expect(samples.some((s) => s.name === METRIC_NAMES.queueJobs && s.labels.queue === 'sync' && s.labels.state === 'waiting')).toBe(true);
  });

  it('adds every process\'s vendor requests to the statistics', async () => {
    const stats = await eventually(
      () => stack.call<{ integrations: Array<{ integration_id: string; vendor_requests: { total: number } }> }>('GET', '/api/v1/integrations/statistics'),
      (r) => (r.body.integrations.find((i) => i.integration_id === integrationId)?.vendor_requests.total ?? 0) > 0,
    );
    const mine = stats.body.integrations.find((i) => i.integration_id === integrationId);
    expect(mine?.vendor_requests.total).toBeGreaterThan(0);
  });
});
