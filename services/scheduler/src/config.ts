import { EnvReader, readBaseConfig, type BaseConfig } from '@trustsync/core';

/** Settings of a scheduler process. */
export interface SchedulerConfig extends BaseConfig {
  /** How often the lease owner compares the job schedulers with Postgres. */
  reconcileEveryMs: number;
  /** How long the owner's lease lives without renewal; another replica takes over after it lapses. */
  leaseTtlMs: number;
  /** Full-sync cadence when an integration does not set `settings.full_sync_interval_minutes`. */
  defaultFullSyncIntervalMinutes: number;
  /** Port of the small health server (0 = any free port; unset = none). */
  healthPort: number | undefined;
  shutdownDeadlineMs: number;
}

/** Reads and validates the scheduler's environment, reporting every problem at once. */
export function loadSchedulerConfig(env: NodeJS.ProcessEnv = process.env): SchedulerConfig {
  const r = new EnvReader(env);
  const base = readBaseConfig(r, env);
  const healthRaw = r.optional('SCHEDULER_HEALTH_PORT');
  const config: SchedulerConfig = {
    ...base,
    reconcileEveryMs: r.int('SCHEDULER_RECONCILE_EVERY_MS', 30_000, 200, 3_600_000),
    leaseTtlMs: r.int('SCHEDULER_LEASE_TTL_MS', 15_000, 1_000, 600_000),
    defaultFullSyncIntervalMinutes: r.int('SCHEDULER_FULL_SYNC_INTERVAL_MINUTES', 1440, 1, 100_000),
    healthPort: healthRaw === undefined ? undefined : r.int('SCHEDULER_HEALTH_PORT', 0, 0, 65535),
    shutdownDeadlineMs: r.int('SHUTDOWN_DEADLINE_MS', 15_000, 1_000, 600_000),
  };
  r.finish();
  return config;
}
