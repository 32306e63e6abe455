import { ConnectorError } from '@trustsync/connectors';

/** What the worker does with a failed vendor call. */
export type FailureDecision =
  | { action: 'delay'; until: Date }
  | { action: 'fail'; permanent: boolean; kind: string; message: string }
  | { action: 'retry'; kind: string; message: string };

// 4xx answers that will not change on a retry: someone has to change something first.
const PERMANENT_KINDS = new Set(['auth', 'forbidden', 'rejected', 'unsupported', 'not_found', 'invalid_response']);

/**
 * The one mapping from a vendor failure to queue behaviour: a 429 delays the job without using
 * an attempt; a permanent kind fails at once; anything else is retried with backoff until the
 * last attempt, which fails (and stays retryable through the API).
 */
export function decideFailure(err: unknown, attemptsMade: number, maxAttempts: number, nowMs: number): FailureDecision {
  const kind = err instanceof ConnectorError ? err.kind : 'internal';
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ConnectorError && err.kind === 'rate_limited') {
    return { action: 'delay', until: err.retryAt && err.retryAt.getTime() > nowMs ? err.retryAt : new Date(nowMs + 1000) };
  }
  if (PERMANENT_KINDS.has(kind)) return { action: 'fail', permanent: true, kind, message };
  if (attemptsMade + 1 >= maxAttempts) return { action: 'fail', permanent: false, kind, message };
  return { action: 'retry', kind, message };
}
