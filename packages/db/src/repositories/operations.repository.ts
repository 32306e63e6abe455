import type { DataSource } from 'typeorm';
import { NotFoundError } from '@trustsync/core';
import { returnedRows } from './returned-rows';

/** Health an operator sees: `unknown` until a test, a check or a sync said otherwise. */
export type OperationalHealth = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

/** Health as one check found it, with the reason shown to operators (null when healthy). */
export interface HealthFinding {
  status: Exclude<OperationalHealth, 'unknown'>;
  reason: string | null;
}

/** What the scheduled health check reads about an integration besides the vendor's answer. */
export interface HealthContext {
  healthStatus: string;
  healthReason: string | null;
  healthChangedAt: Date | null;
  consecutiveFailures: number;
  schedulingDisabledAt: Date | null;
  schedulingDisabledReason: string | null;
  lastSyncStatus: string | null;
}

/** One integration's health and freshness figures, as `/metrics` exports them. */
export interface IntegrationHealthRow {
  integrationId: string;
  integrationType: string;
  healthStatus: OperationalHealth;
  consecutiveFailures: number;
  schedulingDisabled: boolean;
  /** Seconds since the last completed sync ended; null if none ever did. */
  staleSeconds: number | null;
  targetSeconds: number;
}

/** Vendor requests one process made for one integration within one hour. */
export interface VendorUsageDelta {
  integrationId: string;
  hourStart: Date;
  requests: number;
  rateLimited: number;
  clientErrors: number;
  serverErrors: number;
  latencyMsTotal: number;
}

/** Figures the statistics endpoint adds to the sync figures, per integration. */
export interface OperationsFigures {
  webhookEvents: { received: number; processed: number; failed: number; pending: number; duplicates: number };
  pushesByStatus: Record<string, number>;
  vendorRequests: { last24h: number; rateLimited24h: number; serverErrors24h: number; total: number; rateLimitedTotal: number };
  missedWebhooks: { latest: number; total: number };
}

/** Operations figures per integration id and summed over all of them. */
export interface OperationsStatistics {
  totals: OperationsFigures;
  byIntegration: Map<string, OperationsFigures>;
}

// The freshness target in SQL, so the view, the metrics and the statistics agree: twice the interval unless set.
const TARGET_SECONDS_SQL = `coalesce(freshness_target_minutes, 2 * sync_interval_minutes) * 60`;

/** Reads what the health check combines with the vendor's answer. */
export async function healthContextOf(ds: DataSource, integrationId: string): Promise<HealthContext> {
  const rows: Array<Record<string, unknown>> = await ds.query(
    `SELECT health_status, health_reason, health_changed_at, consecutive_failures, scheduling_disabled_at, scheduling_disabled_reason, last_sync_status
       FROM integrations WHERE id = $1`,
    [integrationId],
  );
  const r = rows[0];
  if (!r) throw new NotFoundError('integration', integrationId);
  return {
    healthStatus: r.health_status as string,
    healthReason: (r.health_reason as string | null) ?? null,
    healthChangedAt: (r.health_changed_at as Date | null) ?? null,
    consecutiveFailures: r.consecutive_failures as number,
    schedulingDisabledAt: (r.scheduling_disabled_at as Date | null) ?? null,
    schedulingDisabledReason: (r.scheduling_disabled_reason as string | null) ?? null,
    lastSyncStatus: (r.last_sync_status as string | null) ?? null,
  };
}

/** Stores a health finding; `health_changed_at` moves only when the status changes value. */
export async function recordHealthFinding(ds: DataSource, integrationId: string, finding: HealthFinding): Promise<void> {
  await ds.query(
    `UPDATE integrations SET
       health_changed_at = CASE WHEN health_status IS DISTINCT FROM $2 THEN now() ELSE health_changed_at END,
       health_status = $2, health_reason = $3, last_health_check = now()
     WHERE id = $1`,
    [integrationId, finding.status, finding.reason],
  );
}

/**
 * Undoes an automatic stop of scheduling (after a successful connection test): scheduling back
 * on, failure streak reset. An integration an operator switched off stays off. True if resumed.
 */
export async function resumeScheduling(ds: DataSource, integrationId: string): Promise<boolean> {
  const raw = await ds.query(
    `UPDATE integrations SET sync_enabled = true, scheduling_disabled_at = NULL, scheduling_disabled_reason = NULL, consecutive_failures = 0
     WHERE id = $1 AND scheduling_disabled_at IS NOT NULL RETURNING id`,
    [integrationId],
  );
  return returnedRows(raw).length > 0;
}

/** Health, failure streak and freshness of every integration, for the metrics gauges. */
export async function integrationHealthRows(ds: DataSource): Promise<IntegrationHealthRow[]> {
  const rows: Array<Record<string, unknown>> = await ds.query(
    `SELECT id, integration_type, health_status, consecutive_failures, scheduling_disabled_at IS NOT NULL AS disabled,
            extract(epoch FROM now() - last_success_at)::int AS stale_seconds, ${TARGET_SECONDS_SQL} AS target_seconds
       FROM integrations ORDER BY id`,
  );
  return rows.map((r) => ({
    integrationId: r.id as string,
    integrationType: r.integration_type as string,
    healthStatus: r.health_status as OperationalHealth,
    consecutiveFailures: r.consecutive_failures as number,
    schedulingDisabled: r.disabled as boolean,
    staleSeconds: (r.stale_seconds as number | null) ?? null,
    targetSeconds: r.target_seconds as number,
  }));
}

/** Adds one process's vendor request counts to the hourly table (one statement for the whole batch). */
export async function addVendorUsage(ds: DataSource, deltas: VendorUsageDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const params: unknown[] = [];
  const tuples = deltas.map((d) => {
    params.push(d.integrationId, d.hourStart, d.requests, d.rateLimited, d.clientErrors, d.serverErrors, d.latencyMsTotal);
    const n = params.length;
    return `($${n - 6}, $${n - 5}::timestamptz, $${n - 4}::int, $${n - 3}::int, $${n - 2}::int, $${n - 1}::int, $${n}::bigint)`;
  });
  // An integration deleted since its requests were counted is skipped, not a foreign-key failure.
  await ds.query(
    `INSERT INTO integration_usage_hourly AS u (integration_id, hour_start, vendor_requests, vendor_rate_limited, vendor_client_errors, vendor_server_errors, vendor_latency_ms_total)
     SELECT v.* FROM (VALUES ${tuples.join(', ')}) AS v(integration_id, hour_start, r, rl, ce, se, lat)
      WHERE EXISTS (SELECT 1 FROM integrations i WHERE i.id = v.integration_id)
     ON CONFLICT (integration_id, hour_start) DO UPDATE SET
       vendor_requests = u.vendor_requests + excluded.vendor_requests,
       vendor_rate_limited = u.vendor_rate_limited + excluded.vendor_rate_limited,
       vendor_client_errors = u.vendor_client_errors + excluded.vendor_client_errors,
       vendor_server_errors = u.vendor_server_errors + excluded.vendor_server_errors,
       vendor_latency_ms_total = u.vendor_latency_ms_total + excluded.vendor_latency_ms_total`,
    params,
  );
}

/** Counts webhook deliveries that only repeated events already stored, in the current hour. */
export async function addWebhookDuplicates(ds: DataSource, integrationId: string, duplicates: number): Promise<void> {
  if (duplicates <= 0) return;
  await ds.query(
    `INSERT INTO integration_usage_hourly AS u (integration_id, hour_start, webhook_duplicates) VALUES ($1, date_trunc('hour', now()), $2)
     ON CONFLICT (integration_id, hour_start) DO UPDATE SET webhook_duplicates = u.webhook_duplicates + excluded.webhook_duplicates`,
    [integrationId, duplicates],
  );
}

function emptyOperations(): OperationsFigures {
  return {
    webhookEvents: { received: 0, processed: 0, failed: 0, pending: 0, duplicates: 0 },
    pushesByStatus: {},
    vendorRequests: { last24h: 0, rateLimited24h: 0, serverErrors24h: 0, total: 0, rateLimitedTotal: 0 },
    missedWebhooks: { latest: 0, total: 0 },
  };
}

/** Webhook events, pushes, vendor requests and missed webhooks, per integration and overall. */
export async function operationsStatistics(ds: DataSource): Promise<OperationsStatistics> {
  const byIntegration = new Map<string, OperationsFigures>();
  const totals = emptyOperations();
  const of = (id: string): OperationsFigures => {
    let f = byIntegration.get(id);
    if (!f) byIntegration.set(id, (f = emptyOperations()));
    return f;
  };
  const events: Array<{ integration_id: string; status: string; n: number }> = await ds.query(
    'SELECT integration_id, status, count(*)::int AS n FROM integration_events GROUP BY integration_id, status',
  );
  for (const r of events) {
    for (const f of [of(r.integration_id), totals]) {
      f.webhookEvents.received += r.n;
      if (r.status === 'processed' || r.status === 'failed' || r.status === 'pending') f.webhookEvents[r.status] += r.n;
    }
  }
  const pushes: Array<{ integration_id: string; status: string; n: number }> = await ds.query(
    'SELECT integration_id, status, count(*)::int AS n FROM pushes GROUP BY integration_id, status',
  );
  for (const r of pushes) {
    for (const f of [of(r.integration_id), totals]) f.pushesByStatus[r.status] = (f.pushesByStatus[r.status] ?? 0) + r.n;
  }
  const usage: Array<{ integration_id: string; r24: number; rl24: number; se24: number; r: number; rl: number; dup: number }> = await ds.query(
    `SELECT integration_id,
            coalesce(sum(vendor_requests) FILTER (WHERE hour_start >= date_trunc('hour', now()) - interval '23 hours'), 0)::int AS r24,
            coalesce(sum(vendor_rate_limited) FILTER (WHERE hour_start >= date_trunc('hour', now()) - interval '23 hours'), 0)::int AS rl24,
            coalesce(sum(vendor_server_errors) FILTER (WHERE hour_start >= date_trunc('hour', now()) - interval '23 hours'), 0)::int AS se24,
            coalesce(sum(vendor_requests), 0)::int AS r, coalesce(sum(vendor_rate_limited), 0)::int AS rl, coalesce(sum(webhook_duplicates), 0)::int AS dup
       FROM integration_usage_hourly GROUP BY integration_id`,
  );
  for (const r of usage) {
    for (const f of [of(r.integration_id), totals]) {
      f.vendorRequests.last24h += r.r24;
      f.vendorRequests.rateLimited24h += r.rl24;
      f.vendorRequests.serverErrors24h += r.se24;
      f.vendorRequests.total += r.r;
      f.vendorRequests.rateLimitedTotal += r.rl;
      f.webhookEvents.duplicates += r.dup;
    }
  }
  const missed: Array<{ id: string; latest: number; total: number }> = await ds.query(
    'SELECT id, missed_webhooks AS latest, missed_webhooks_total AS total FROM integrations',
  );
  for (const r of missed) {
    for (const f of [of(r.id), totals]) {
      f.missedWebhooks.latest += r.latest;
      f.missedWebhooks.total += r.total;
    }
  }
  return { totals, byIntegration };
}

/** Freshness of one integration as the API shows it. */
export interface Freshness {
  lastSuccessAt: Date | null;
  staleSeconds: number | null;
  targetSeconds: number;
  /** Older than the target; an integration that never completed a sync is breached once it is older than the target. */
  breached: boolean;
}

/** Freshness from an integration's columns at `now`. */
export function freshnessOf(
  i: { lastSuccessAt: Date | null; freshnessTargetMinutes: number | null; syncIntervalMinutes: number; createdAt: Date },
  now: Date,
): Freshness {
  const targetSeconds = (i.freshnessTargetMinutes ?? 2 * i.syncIntervalMinutes) * 60;
  const staleSeconds = i.lastSuccessAt ? Math.max(0, Math.floor((now.getTime() - i.lastSuccessAt.getTime()) / 1000)) : null;
  const ageSeconds = Math.floor((now.getTime() - i.createdAt.getTime()) / 1000);
  return { lastSuccessAt: i.lastSuccessAt, staleSeconds, targetSeconds, breached: (staleSeconds ?? ageSeconds) > targetSeconds };
}
