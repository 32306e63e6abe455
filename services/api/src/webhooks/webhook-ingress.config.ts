import { EnvReader } from '@trustsync/core';
import type { WebhookIngressOptions } from './webhook-ingress.options';

/** Reads the webhook ingress limits from the environment, reporting every problem at once. */
export function readWebhookIngressConfig(env: NodeJS.ProcessEnv = process.env): Partial<WebhookIngressOptions> {
  const r = new EnvReader(env);
  const bodyLimit = r.optional('WEBHOOK_BODY_LIMIT');
  if (bodyLimit !== undefined && !/^\d+(b|kb|mb)$/i.test(bodyLimit)) r.problem(`WEBHOOK_BODY_LIMIT must look like 512kb or 1mb, got "${bodyLimit}"`);
  const config: Partial<WebhookIngressOptions> = {
    bodyLimit,
    ingressLimit: r.int('WEBHOOK_INGRESS_LIMIT', 5000, 1, 1_000_000),
    ingressWindowMs: r.int('WEBHOOK_INGRESS_WINDOW_MS', 1000, 100, 3_600_000),
    rejectionLimit: r.int('WEBHOOK_REJECTION_LIMIT', 30, 1, 1_000_000),
    rejectionWindowMs: r.int('WEBHOOK_REJECTION_WINDOW_MS', 60_000, 1000, 3_600_000),
    enqueueTimeoutMs: r.int('WEBHOOK_ENQUEUE_TIMEOUT_MS', 1000, 50, 30_000),
    targetCacheMs: r.int('WEBHOOK_TARGET_CACHE_MS', 5000, 0, 300_000),
  };
  r.finish();
  return config;
}
