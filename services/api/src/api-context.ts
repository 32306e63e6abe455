import type { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Logger, SecretBox } from '@trustsync/core';
import { VENDORS, createConnector, type Connector, type ConnectorContext, type VendorModule } from '@trustsync/connectors';
import type { IntegrationType } from '@trustsync/model';
import { QUEUE_NAMES, openQueue } from '@trustsync/queue';
import { createMetrics, type TrustSyncMetrics } from '@trustsync/metrics';
import type { WebhookIngressOptions } from './webhooks/webhook-ingress.options';
import type { QueueDashboardOptions } from './admin/queue-dashboard';

/** Whether the process still takes traffic; shutdown flips it so readiness answers 503 first. */
export interface Lifecycle {
  draining: boolean;
}

/** What `createApp` is given: adapters built by the composition root (or a test). */
export interface ApiDeps {
  dataSource: DataSource;
  /** Producer of the sync queue. */
  syncQueue: Queue;
  /** Producer of the push queue (pushes, posture evaluations, commands); null answers 503 on push routes. */
  pushQueue?: Queue | null;
  /** Producer of the webhook queue; when absent, one is opened over `redis` with the sync queue's prefix. */
  webhookQueue?: Queue;
  /** Limits of the webhook ingress (body size, per-integration cap, rejections per source). */
  webhookIngress?: Partial<WebhookIngressOptions>;
  /** Queues shown in Bull Board and reported by `/queues/metrics` besides sync, webhook and push (e.g. the schedule queue). */
  monitoredQueues?: Queue[];
  /** Bull Board read-only mode, fixed or per request; by default read-only for every role but admin. */
  queueDashboardReadOnly?: QueueDashboardOptions['readOnly'];
  /** The producer's Redis connection, pinged by readiness. */
  redis: IORedis;
  secretBox: SecretBox;
  logger: Logger;
  lifecycle?: Lifecycle;
  /** Vendor registry; tests may add a vendor with settings or a stub connector. */
  vendors?: Record<IntegrationType, VendorModule>;
  createConnector?: (ctx: ConnectorContext) => Connector;
  bodyLimit?: string;
  /** Lets endpoints name loopback or private addresses (development and the sandbox demo). */
  allowPrivateEndpoints?: boolean;
  /** Host patterns endpoints may name besides each vendor's own (`TRUSTSYNC_ENDPOINT_ALLOWLIST`). */
  endpointAllowlist?: string[];
  connectionTestTimeoutMs?: number;
  enqueueTimeoutMs?: number;
  readinessTimeoutMs?: number;
  /** The process's metrics registry, served at `/metrics`; a private one (no process metrics) when absent. */
  metrics?: TrustSyncMetrics;
  now?: () => Date;
}

/** The dependencies with every default filled in, as route handlers see them. */
export type ApiContext = Required<ApiDeps>;

/** Fills in the defaults of the optional dependencies. */
export function resolveDeps(deps: ApiDeps): ApiContext {
  const vendors = deps.vendors ?? VENDORS;
  return {
    lifecycle: { draining: false },
    pushQueue: null,
    // An injected registry must also build the connectors, or the two would disagree.
    createConnector: deps.vendors ? (ctx) => vendors[ctx.integration.type].create(ctx) : createConnector,
    bodyLimit: '1mb',
    allowPrivateEndpoints: false,
    endpointAllowlist: [],
    connectionTestTimeoutMs: 20_000,
    enqueueTimeoutMs: 2000,
    readinessTimeoutMs: 1000,
    metrics: deps.metrics ?? createMetrics('api', { defaultMetrics: false }),
    now: () => new Date(),
    webhookIngress: {},
    monitoredQueues: [],
    queueDashboardReadOnly: (_req, res) => (res.locals.principal as { role?: string } | undefined)?.role !== 'admin',
    ...deps,
    vendors,
    webhookQueue: deps.webhookQueue ?? openQueue(QUEUE_NAMES.webhook, deps.redis, deps.syncQueue.opts.prefix ?? 'bull'),
  };
}

