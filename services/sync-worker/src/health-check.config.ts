import { EnvReader } from '@trustsync/core';

/** Settings of the scheduled integration health checks run by sync workers. */
export interface HealthCheckConfig {
  /** How often each integration's connection is tested; 0 turns scheduled checks off. */
  everyMs: number;
  /** How often the job schedulers are compared with the integrations in Postgres. */
  reconcileEveryMs: number;
  /** How long one vendor probe may take before it counts as a failure. */
  timeoutMs: number;
  concurrency: number;
  /** How often the vendor request counts of this process are added to Postgres. */
  usageFlushEveryMs: number;
}

/** Reads the health check settings, reporting every problem at once. */
export function readHealthCheckConfig(env: NodeJS.ProcessEnv = process.env): HealthCheckConfig {
  const r = new EnvReader(env);
  const config: HealthCheckConfig = {
    everyMs: r.int('HEALTH_CHECK_EVERY_MS', 300_000, 0, 86_400_000),
    reconcileEveryMs: r.int('HEALTH_CHECK_RECONCILE_EVERY_MS', 60_000, 200, 3_600_000),
    timeoutMs: r.int('HEALTH_CHECK_TIMEOUT_MS', 20_000, 100, 120_000),
    concurrency: r.int('HEALTH_CHECK_CONCURRENCY', 2, 1, 32),
    usageFlushEveryMs: r.int('VENDOR_USAGE_FLUSH_EVERY_MS', 10_000, 100, 600_000),
  };
  r.finish();
  return config;
}
