import { EnvReader, readBaseConfig, type BaseConfig } from '@trustsync/core';

/** Settings of a webhook worker process. */
export interface WebhookWorkerConfig extends BaseConfig {
  /** Webhook jobs this process holds at once; they are applied in batches of up to this many. */
  concurrency: number;
  lockDurationMs: number;
  /** Port of the small health server (0 = any free port; unset = none). */
  healthPort: number | undefined;
  /** How often the outbox sweeper looks for events whose job never reached Redis. */
  outboxEveryMs: number;
  /** How old a never-enqueued event must be before the sweeper enqueues it (the ingress may still be enqueuing). */
  outboxAfterMs: number;
  /** How long an enqueued event may stay pending before the sweeper checks that its job still exists. */
  outboxRecheckAfterMs: number;
  shutdownDeadlineMs: number;
}

/** Reads and validates the worker's environment, reporting every problem at once. */
export function loadWebhookWorkerConfig(env: NodeJS.ProcessEnv = process.env): WebhookWorkerConfig {
  const r = new EnvReader(env);
  const base = readBaseConfig(r, env);
  const healthRaw = r.optional('WORKER_HEALTH_PORT');
  const config: WebhookWorkerConfig = {
    ...base,
    concurrency: r.int('WEBHOOK_WORKER_CONCURRENCY', 64, 1, 512),
    lockDurationMs: r.int('WEBHOOK_LOCK_DURATION_MS', 30_000, 5_000, 600_000),
    healthPort: healthRaw === undefined ? undefined : r.int('WORKER_HEALTH_PORT', 0, 0, 65535),
    outboxEveryMs: r.int('WEBHOOK_OUTBOX_EVERY_MS', 5_000, 100, 600_000),
    outboxAfterMs: r.int('WEBHOOK_OUTBOX_AFTER_MS', 10_000, 0, 3_600_000),
    outboxRecheckAfterMs: r.int('WEBHOOK_OUTBOX_RECHECK_AFTER_MS', 600_000, 10_000, 86_400_000),
    shutdownDeadlineMs: r.int('SHUTDOWN_DEADLINE_MS', 25_000, 1_000, 600_000),
  };
  r.finish();
  return config;
}
