import { EnvReader, readBaseConfig, type BaseConfig } from '@trustsync/core';

/** Settings of a sync worker process. */
export interface SyncWorkerConfig extends BaseConfig {
  /** Sync jobs this process runs at once. */
  concurrency: number;
  /** BullMQ lock: longer than the slowest vendor call plus one page write. */
  lockDurationMs: number;
  /** How often BullMQ looks for jobs whose worker died (lock expired) and hands them to another worker. */
  stalledIntervalMs: number;
  /** Port of the small health server (0 = any free port; unset = none). */
  healthPort: number | undefined;
  /** How old a pending sync with no job must be before the sweeper enqueues it again. */
  strandedAfterMs: number;
  /** Upper bound of a 429 wait served inside one call; beyond it the job is delayed instead. */
  maxInCallRetryWaitMs: number;
  shutdownDeadlineMs: number;
}

/** Reads and validates the worker's environment, reporting every problem at once. */
export function loadSyncWorkerConfig(env: NodeJS.ProcessEnv = process.env): SyncWorkerConfig {
  const r = new EnvReader(env);
  const base = readBaseConfig(r, env);
  const healthRaw = r.optional('WORKER_HEALTH_PORT');
  const config: SyncWorkerConfig = {
    ...base,
    concurrency: r.int('SYNC_WORKER_CONCURRENCY', 4, 1, 64),
    lockDurationMs: r.int('SYNC_LOCK_DURATION_MS', 120_000, 1_000, 3_600_000),
    stalledIntervalMs: r.int('SYNC_STALLED_INTERVAL_MS', 30_000, 500, 3_600_000),
    healthPort: healthRaw === undefined ? undefined : r.int('WORKER_HEALTH_PORT', 0, 0, 65535),
    strandedAfterMs: r.int('SYNC_STRANDED_AFTER_MS', 60_000, 1_000, 86_400_000),
    maxInCallRetryWaitMs: r.int('VENDOR_MAX_INCALL_RETRY_WAIT_MS', 30_000, 0, 600_000),
    shutdownDeadlineMs: r.int('SHUTDOWN_DEADLINE_MS', 25_000, 1_000, 600_000),
  };
  r.finish();
  return config;
}
