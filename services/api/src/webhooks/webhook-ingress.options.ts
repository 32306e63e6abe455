/** Limits of the webhook ingress; every field has a default (see `resolveIngressOptions`). */
export interface WebhookIngressOptions {
  /** Largest delivery body, in express' size syntax. */
  bodyLimit: string;
  /** Deliveries one integration may send per window before it gets 429 (per API replica). */
  ingressLimit: number;
  ingressWindowMs: number;
  /** Rejected deliveries one source address may cause per window before it gets 429 and is no longer logged. */
  rejectionLimit: number;
  rejectionWindowMs: number;
  /** How long the enqueue after the commit may take; past it the outbox sweeper enqueues the event. */
  enqueueTimeoutMs: number;
  /** How long an integration's webhook settings and secret are reused before they are read again. */
  targetCacheMs: number;
}

const DEFAULTS: WebhookIngressOptions = {
  bodyLimit: '1mb',
  ingressLimit: 5000,
  ingressWindowMs: 1000,
  rejectionLimit: 30,
  rejectionWindowMs: 60_000,
  enqueueTimeoutMs: 1000,
  targetCacheMs: 5000,
};

/** The given options over the defaults. */
export function resolveIngressOptions(partial: Partial<WebhookIngressOptions>): WebhookIngressOptions {
  return { ...DEFAULTS, ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) };
}
