/**
 * Every metric family a TrustSync process exports, in one place: the dashboard test and the
 * alert rules read these names, so a rename here is a rename everywhere.
 */
export const METRIC_NAMES = {
  queueJobs: 'trustsync_queue_jobs',
  jobDuration: 'trustsync_job_duration_seconds',
  vendorRequests: 'trustsync_vendor_requests_total',
  vendorRequestDuration: 'trustsync_vendor_request_duration_seconds',
  rateLimitWait: 'trustsync_rate_limit_wait_seconds_total',
  webhookRequests: 'trustsync_webhook_requests_total',
  webhookRequestDuration: 'trustsync_webhook_request_duration_seconds',
  syncs: 'trustsync_syncs_total',
  syncItems: 'trustsync_sync_items_total',
  integrationHealth: 'trustsync_integration_health',
  integrationStaleSeconds: 'trustsync_integration_stale_seconds',
  integrationFreshnessTarget: 'trustsync_integration_freshness_target_seconds',
  integrationConsecutiveFailures: 'trustsync_integration_consecutive_failures',
  httpRequests: 'trustsync_http_requests_total',
  httpRequestDuration: 'trustsync_http_request_duration_seconds',
} as const;

/** One metric family name. */
export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];

/** Process metrics prom-client adds to every registry (`collectDefaultMetrics`), under this prefix. */
export const DEFAULT_METRICS_PREFIX = 'trustsync_process_';

/** Health values the health gauge has a series for. */
export const HEALTH_STATES = ['healthy', 'degraded', 'unhealthy', 'unknown'] as const;

/** BullMQ job states the queue gauge reports. */
export const QUEUE_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed', 'paused', 'waiting-children'] as const;
