import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DEFAULT_METRICS_PREFIX, HEALTH_STATES, METRIC_NAMES, QUEUE_STATES } from './metric-names';
import { VendorUsageBuffer } from './vendor-usage.buffer';

/** The part of a BullMQ queue the depth gauge reads. */
export interface CountableQueue {
  name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

/** One integration's health and freshness, as loaded from Postgres on each scrape. */
export interface IntegrationHealthSample {
  integrationId: string;
  integrationType: string;
  healthStatus: string;
  consecutiveFailures: number;
  staleSeconds: number | null;
  targetSeconds: number;
}

/** How a job ended: `failed` is an attempt that failed; `delayed` a job moved back to wait (a vendor rate limit). */
export type JobOutcome = 'completed' | 'failed' | 'delayed';

/** Item counts of a finished sync by entity and operation (`{device: {created: 3, updated: 1}}`). */
export type SyncItemCounts = Record<string, Partial<Record<string, number>>>;

/** Operations whose item counts are exported; other keys of a sync's counts are ignored. */
export const SYNC_ITEM_OPERATIONS = ['processed', 'created', 'updated', 'unchanged', 'deleted', 'failed', 'skipped'] as const;

/** Options of `createMetrics`. */
export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop lag); on by default, off in tests that build many registries. */
  defaultMetrics?: boolean;
  /** Keep vendor request counts for the hourly usage table (processes that flush them). */
  keepVendorUsage?: boolean;
}

/** The registry of one process and the typed recorders every part of it uses. */
export interface TrustSyncMetrics {
  readonly registry: Registry;
  readonly service: string;
  /** Vendor counts waiting to be flushed; null unless `keepVendorUsage`. */
  readonly vendorUsage: VendorUsageBuffer | null;
  vendorResponse(e: { vendor: string; integrationId: string; status: number; latencyMs: number }): void;
  /** A `ConnectorContext.onResponse` for one integration, which also reports the gate's new waits. */
  vendorResponseHook(vendor: string, integrationId: string, gate?: { readonly waitedMs: number }): (status: number, latencyMs: number) => void;
  rateLimitWait(e: { vendor: string; integrationId: string; waitedMs: number }): void;
  jobFinished(e: { queue: string; jobName: string; outcome: JobOutcome; durationMs: number }): void;
  /** A webhook delivery answered by the API; `integrationId` null when the id named nothing. */
  webhookRequest(e: { integrationId: string | null; status: number; latencyMs: number }): void;
  syncFinished(e: { vendor: string; integrationId: string; status: string; counts: SyncItemCounts }): void;
  httpRequest(e: { method: string; route: string; status: number; latencyMs: number }): void;
  /** Reads these queues' job counts on every scrape. */
  watchQueues(queues: CountableQueue[]): void;
  /** Loads integration health from Postgres on every scrape. */
  watchIntegrations(load: () => Promise<IntegrationHealthSample[]>): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** `429` apart (it steers the rate gates), everything else by hundreds. */
export function statusClass(status: number): string {
  if (!Number.isFinite(status) || status < 100) return 'error';
  if (status === 429) return '429';
  return `${Math.floor(status / 100)}xx`;
}

const LATENCY_BUCKETS_S = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const JOB_BUCKETS_S = [0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 1800, 3600];

/**
 * Builds the registry of one process with every TrustSync family. Labels are bounded by
 * construction: vendor, integration id, queue, job name, state, status class, outcome, entity
 * and operation; never a device, user or event id.
 */
export function createMetrics(serviceName: string, opts: MetricsOptions = {}): TrustSyncMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: serviceName });
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: DEFAULT_METRICS_PREFIX });
  const registers = [registry];
  const queueSources: CountableQueue[] = [];
  let integrationSource: (() => Promise<IntegrationHealthSample[]>) | undefined;

  new Gauge({
    name: METRIC_NAMES.queueJobs,
    help: 'Jobs in each BullMQ queue by state, read on scrape',
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      this.reset();
      const counts = await Promise.all(queueSources.map(async (q) => [q.name, await q.getJobCounts(...QUEUE_STATES)] as const));
      for (const [queue, c] of counts) for (const state of QUEUE_STATES) this.set({ queue, state }, c[state] ?? 0);
    },
  });
  const jobDuration = new Histogram({ name: METRIC_NAMES.jobDuration, help: 'Time from a job attempt starting to it finishing, by queue, job name and outcome', labelNames: ['queue', 'job_name', 'outcome'], buckets: JOB_BUCKETS_S, registers });
  const vendorRequests = new Counter({ name: METRIC_NAMES.vendorRequests, help: 'Vendor API responses by vendor, integration and status class', labelNames: ['vendor', 'integration_id', 'status_class'], registers });
  const vendorDuration = new Histogram({ name: METRIC_NAMES.vendorRequestDuration, help: 'Vendor API latency by vendor and integration', labelNames: ['vendor', 'integration_id'], buckets: LATENCY_BUCKETS_S, registers });
  const rateLimitWait = new Counter({ name: METRIC_NAMES.rateLimitWait, help: 'Time callers waited at the rate gate before a vendor request', labelNames: ['vendor', 'integration_id'], registers });
  const webhookRequests = new Counter({ name: METRIC_NAMES.webhookRequests, help: 'Webhook deliveries answered by the API, by integration and status class', labelNames: ['integration_id', 'status_class'], registers });
  const webhookDuration = new Histogram({ name: METRIC_NAMES.webhookRequestDuration, help: 'Time to answer a webhook delivery, by status class', labelNames: ['status_class'], buckets: LATENCY_BUCKETS_S, registers });
  const syncs = new Counter({ name: METRIC_NAMES.syncs, help: 'Finished syncs by vendor, integration and final status', labelNames: ['vendor', 'integration_id', 'status'], registers });
  const syncItems = new Counter({ name: METRIC_NAMES.syncItems, help: 'Items of finished syncs by vendor, integration, entity and operation', labelNames: ['vendor', 'integration_id', 'entity', 'operation'], registers });
  const httpRequests = new Counter({ name: METRIC_NAMES.httpRequests, help: 'API requests by method, route pattern and status class', labelNames: ['method', 'route', 'status_class'], registers });
  const httpDuration = new Histogram({ name: METRIC_NAMES.httpRequestDuration, help: 'API latency by method and route pattern', labelNames: ['method', 'route'], buckets: LATENCY_BUCKETS_S, registers });

  // One Postgres read per scrape feeds all the integration gauges.
  let pending: Promise<IntegrationHealthSample[]> | undefined;
  const loadIntegrations = (): Promise<IntegrationHealthSample[]> => {
    if (!integrationSource) return Promise.resolve([]);
    pending ??= integrationSource().finally(() => setImmediate(() => (pending = undefined)));
    return pending;
  };
  new Gauge({
    name: METRIC_NAMES.integrationHealth,
    help: 'Health of each integration: 1 for its current state, 0 for the others',
    labelNames: ['vendor', 'integration_id', 'state'],
    registers,
    async collect() {
      this.reset();
      for (const i of await loadIntegrations()) {
        for (const state of HEALTH_STATES) this.set({ vendor: i.integrationType, integration_id: i.integrationId, state }, i.healthStatus === state ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: METRIC_NAMES.integrationStaleSeconds,
    help: 'Seconds since the last completed sync of each integration ended (absent if none ever did)',
    labelNames: ['vendor', 'integration_id'],
    registers,
    async collect() {
      this.reset();
      for (const i of await loadIntegrations()) if (i.staleSeconds !== null) this.set({ vendor: i.integrationType, integration_id: i.integrationId }, i.staleSeconds);
    },
  });
  new Gauge({
    name: METRIC_NAMES.integrationFreshnessTarget,
    help: 'Freshness target of each integration in seconds',
    labelNames: ['vendor', 'integration_id'],
    registers,
    async collect() {
      this.reset();
      for (const i of await loadIntegrations()) this.set({ vendor: i.integrationType, integration_id: i.integrationId }, i.targetSeconds);
    },
  });
  new Gauge({
    name: METRIC_NAMES.integrationConsecutiveFailures,
    help: 'Failed syncs in a row of each integration',
    labelNames: ['vendor', 'integration_id'],
    registers,
    async collect() {
      this.reset();
      for (const i of await loadIntegrations()) this.set({ vendor: i.integrationType, integration_id: i.integrationId }, i.consecutiveFailures);
    },
  });

  const vendorUsage = opts.keepVendorUsage ? new VendorUsageBuffer() : null;
  const metrics: TrustSyncMetrics = {
    registry,
    service: serviceName,
    vendorUsage,
    vendorResponse: (e) => {
      vendorRequests.inc({ vendor: e.vendor, integration_id: e.integrationId, status_class: statusClass(e.status) });
      vendorDuration.observe({ vendor: e.vendor, integration_id: e.integrationId }, e.latencyMs / 1000);
      vendorUsage?.add(e.integrationId, e.status, e.latencyMs);
    },
    vendorResponseHook: (vendor, integrationId, gate) => {
      let seenWaitMs = gate?.waitedMs ?? 0;
      return (status, latencyMs) => {
        metrics.vendorResponse({ vendor, integrationId, status, latencyMs });
        if (!gate) return;
        const waited = gate.waitedMs - seenWaitMs;
        seenWaitMs = gate.waitedMs;
        if (waited > 0) metrics.rateLimitWait({ vendor, integrationId, waitedMs: waited });
      };
    },
    rateLimitWait: (e) => rateLimitWait.inc({ vendor: e.vendor, integration_id: e.integrationId }, e.waitedMs / 1000),
    jobFinished: (e) => jobDuration.observe({ queue: e.queue, job_name: e.jobName, outcome: e.outcome }, Math.max(0, e.durationMs) / 1000),
    webhookRequest: (e) => {
      const cls = statusClass(e.status);
      webhookRequests.inc({ integration_id: e.integrationId ?? 'unknown', status_class: cls });
      webhookDuration.observe({ status_class: cls }, e.latencyMs / 1000);
    },
    syncFinished: (e) => {
      syncs.inc({ vendor: e.vendor, integration_id: e.integrationId, status: e.status });
      for (const [entity, ops] of Object.entries(e.counts)) {
        for (const operation of SYNC_ITEM_OPERATIONS) {
          const n = ops[operation] ?? 0;
          if (n > 0) syncItems.inc({ vendor: e.vendor, integration_id: e.integrationId, entity, operation }, n);
        }
      }
    },
    httpRequest: (e) => {
      httpRequests.inc({ method: e.method, route: e.route, status_class: statusClass(e.status) });
      httpDuration.observe({ method: e.method, route: e.route }, e.latencyMs / 1000);
    },
    watchQueues: (queues) => {
      for (const q of queues) if (!queueSources.some((s) => s.name === q.name)) queueSources.push(q);
    },
    watchIntegrations: (load) => {
      integrationSource = load;
    },
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
  return metrics;
}
