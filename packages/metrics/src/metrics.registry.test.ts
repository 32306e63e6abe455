import { METRIC_NAMES } from './metric-names';
import { createMetrics } from './metrics.registry';
import { parseExposition, sumSamples } from './exposition.parser';
import { VendorUsageBuffer } from './vendor-usage.buffer';

async function samplesOf(metrics: ReturnType<typeof createMetrics>) {
  return parseExposition((await metrics.render()).body);
}

describe('createMetrics', () => {
  it('declares every family of METRIC_NAMES in the exposition', async () => {
    const metrics = createMetrics('test', { defaultMetrics: false });
    const body = (await metrics.render()).body;
    const declared = [...body.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]);
    expect(declared.sort()).toEqual(Object.values(METRIC_NAMES).sort());
  });

  it('counts a vendor 429 under its own status class, apart from other 4xx', async () => {
    const metrics = createMetrics('test', { defaultMetrics: false });
    metrics.vendorResponse({ vendor: 'kandji', integrationId: 'INT-1', status: 429, latencyMs: 20 });
    metrics.vendorResponse({ vendor: 'kandji', integrationId: 'INT-1', status: 404, latencyMs: 20 });
    metrics.vendorResponse({ vendor: 'kandji', integrationId: 'INT-1', status: 200, latencyMs: 20 });
    const s = await samplesOf(metrics);
    expect(sumSamples(s, METRIC_NAMES.vendorRequests, { status_class: '429' })).toBe(1);
    expect(sumSamples(s, METRIC_NAMES.vendorRequests, { status_class: '4xx' })).toBe(1);
    expect(sumSamples(s, `${METRIC_NAMES.vendorRequestDuration}_count`, { integration_id: 'INT-1' })).toBe(3);
  });

  it('reads queue depth by state from the queues on every scrape', async () => {
    const metrics = createMetrics('test', { defaultMetrics: false });
    let waiting = 3;
    metrics.watchQueues([{ name: 'sync', getJobCounts: async () => ({ waiting, active: 1 }) }]);
    expect(sumSamples(await samplesOf(metrics), METRIC_NAMES.queueJobs, { queue: 'sync', state: 'waiting' })).toBe(3);
    waiting = 7;
    const s = await samplesOf(metrics);
    expect(sumSamples(s, METRIC_NAMES.queueJobs, { queue: 'sync', state: 'waiting' })).toBe(7);
    expect(sumSamples(s, METRIC_NAMES.queueJobs, { queue: 'sync', state: 'active' })).toBe(1);
  });

  it('sets the health gauge to 1 for the current state of an integration and 0 for the others', async () => {
    const metrics = createMetrics('test', { defaultMetrics: false });
    metrics.watchIntegrations(async () => [{ integrationId: 'INT-1', integrationType: 'okta', healthStatus: 'unhealthy', consecutiveFailures: 4, staleSeconds: 90, targetSeconds: 7200 }]);
    const s = await samplesOf(metrics);
    expect(sumSamples(s, METRIC_NAMES.integrationHealth, { integration_id: 'INT-1', state: 'unhealthy' })).toBe(1);
    expect(sumSamples(s, METRIC_NAMES.integrationHealth, { integration_id: 'INT-1' })).toBe(1);
    expect(sumSamples(s, METRIC_NAMES.integrationConsecutiveFailures, { integration_id: 'INT-1' })).toBe(4);
    expect(sumSamples(s, METRIC_NAMES.integrationStaleSeconds, { integration_id: 'INT-1' })).toBe(90);
  });

  it('reports only the rate gate wait added since the previous response', async () => {
    const metrics = createMetrics('test', { defaultMetrics: false });
    const gate = { waitedMs: 1000 };
    const hook = metrics.vendorResponseHook('okta', 'INT-1', gate);
    gate.waitedMs = 1500;
    hook(200, 10);
    hook(200, 10);
    gate.waitedMs = 2500;
    hook(200, 10);
    expect(sumSamples(await samplesOf(metrics), METRIC_NAMES.rateLimitWait, { integration_id: 'INT-1' })).toBeCloseTo(1.5);
  });

  it('adds the item counts of a finished sync by entity and operation', async () => {
    const metrics = createMetrics('test', { defaultMetrics: false });
    metrics.syncFinished({ vendor: 'kandji', integrationId: 'INT-1', status: 'completed', counts: { device: { created: 5, updated: 2, unchanged: 0 }, user: { created: 1 } } });
    const s = await samplesOf(metrics);
    expect(sumSamples(s, METRIC_NAMES.syncItems, { entity: 'device', operation: 'created' })).toBe(5);
    expect(sumSamples(s, METRIC_NAMES.syncItems, { operation: 'created' })).toBe(6);
    expect(sumSamples(s, METRIC_NAMES.syncs, { status: 'completed' })).toBe(1);
  });

  it('labels webhook deliveries to an id that names nothing as unknown', async () => {
    const metrics = createMetrics('test', { defaultMetrics: false });
    metrics.webhookRequest({ integrationId: null, status: 404, latencyMs: 3 });
    expect(sumSamples(await samplesOf(metrics), METRIC_NAMES.webhookRequests, { integration_id: 'unknown', status_class: '4xx' })).toBe(1);
  });
});

describe('VendorUsageBuffer', () => {
  it('sums responses per integration and hour', () => {
    const buffer = new VendorUsageBuffer();
    const at = new Date('2026-12-04T09:14:00Z');
    buffer.add('INT-1', 200, 10, at);
    buffer.add('INT-1', 429, 30, at);
    buffer.add('INT-1', 503, 5, new Date('2026-12-04T10:01:00Z'));
    const [nine, ten] = buffer.drain();
    expect(nine).toEqual({ integrationId: 'INT-1', hourStart: new Date('2026-12-04T09:00:00Z'), requests: 2, rateLimited: 1, clientErrors: 0, serverErrors: 0, latencyMsTotal: 40 });
    expect(ten.serverErrors).toBe(1);
  });

  it('keeps the counts of a failed write for the next flush', async () => {
    const buffer = new VendorUsageBuffer();
    buffer.add('INT-1', 200, 10);
    const written: number[] = [];
    let fail = true;
    const stop = buffer.startFlushing(async (counts) => {
      if (fail) throw new Error('postgres down');
      written.push(...counts.map((c) => c.requests));
    }, 60_000, () => undefined);
    await stop();
    buffer.add('INT-1', 200, 10);
    fail = false;
    await buffer.startFlushing(async (counts) => void written.push(...counts.map((c) => c.requests)), 60_000, () => undefined)();
    expect(written).toEqual([2]);
  });
});
