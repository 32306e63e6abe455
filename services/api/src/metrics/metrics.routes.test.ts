import { METRIC_NAMES, createMetrics, parseExposition, sumSamples } from '@trustsync/metrics';
import { kandjiExample, startApiHarness, type ApiHarness } from '../testing/api-harness';

describe('GET /metrics and request ids on the API', () => {
  let api: ApiHarness;
  const metrics = createMetrics('api-test', { defaultMetrics: false });

  beforeAll(async () => {
    api = await startApiHarness('metrics', { metrics });
  });
  afterAll(async () => api.close());

  it('answers in the Prometheus text format with every TrustSync family', async () => {
    const res = await fetch(`${api.baseUrl}/metrics`, { headers: api.authHeader });
    const body = await res.text();
    const declared = new Set([...body.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(Object.values(METRIC_NAMES).filter((n) => !declared.has(n))).toEqual([]);
  });

  it('counts API requests by route pattern, not by raw path', async () => {
    await api.call('GET', '/api/v1/integrations/INT-000000000000');
    const samples = parseExposition(await (await fetch(`${api.baseUrl}/metrics`, { headers: api.authHeader })).text());
    expect(sumSamples(samples, METRIC_NAMES.httpRequests, { method: 'GET', route: '/api/v1/integrations/:id', status_class: '4xx' })).toBe(1);
  });

  it('shows the health of each integration read from Postgres', async () => {
    const created = await api.call('POST', '/api/v1/integrations', { ...kandjiExample(), name: 'health gauge' });
    const samples = parseExposition(await (await fetch(`${api.baseUrl}/metrics`, { headers: api.authHeader })).text());
    expect(sumSamples(samples, METRIC_NAMES.integrationHealth, { integration_id: created.body.id, state: 'unknown' })).toBe(1);
  });

  it('echoes the caller\'s X-Request-Id', async () => {
    const res = await fetch(`${api.baseUrl}/healthz`, { headers: { 'X-Request-Id': 'req-42.abc' } });
    expect(res.headers.get('x-request-id')).toBe('req-42.abc');
  });

  it('makes a request id when the caller sends an unusable one', async () => {
    const res = await fetch(`${api.baseUrl}/healthz`, { headers: { 'X-Request-Id': 'bad id with spaces' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
