import { ConnectorError, type ConnectorErrorKind } from '@trustsync/connectors';
import type { HealthContext, HealthFinding } from '@trustsync/db';

/** A probe that got no answer within its time limit. */
export class ProbeTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'ProbeTimeoutError';
  }
}

/** What the vendor said to one probe: nothing wrong, or the error the connector raised. */
export type ProbeOutcome = { ok: true } | { ok: false; error: unknown };

const UNHEALTHY_KINDS = new Set<ConnectorErrorKind>(['auth', 'forbidden', 'unsupported']);

const KIND_TEXT: Record<ConnectorErrorKind | 'timeout' | 'internal', string> = {
  auth: 'token rejected (revoked, expired or wrong)',
  forbidden: 'the credentials lack a permission this integration needs',
  rate_limited: 'rate limited by the vendor',
  not_found: 'endpoint not found (check the URL and region)',
  transient: 'vendor unreachable or failing',
  invalid_response: 'unexpected response from the vendor',
  unsupported: 'no connector for this configuration',
  rejected: 'request rejected by the vendor',
  timeout: 'no answer in time',
  internal: 'the check itself failed',
};

function minute(at: Date): string {
  return `${at.toISOString().slice(0, 16)}Z`;
}

/**
 * Health from one scheduled probe and what Postgres knows (failure streak, automatic stop).
 * The "since" of a reason is when the status last changed, so a revoked token reads
 * "401 from okta since 09:14" on every later check instead of moving forward.
 */
export function healthFromProbe(probe: ProbeOutcome, ctx: HealthContext, vendor: string, now: Date): HealthFinding {
  if (!probe.ok) {
    const err = probe.error;
    const kind = err instanceof ConnectorError ? err.kind : err instanceof ProbeTimeoutError ? 'timeout' : 'internal';
    const status = err instanceof ConnectorError && UNHEALTHY_KINDS.has(err.kind) ? 'unhealthy' : 'degraded';
    const since = ctx.healthStatus === status && ctx.healthChangedAt ? ctx.healthChangedAt : now;
    const label = err instanceof ConnectorError ? (err.status ?? err.kind) : kind;
    return { status, reason: `${label} from ${vendor} since ${minute(since)}: ${KIND_TEXT[kind]}` };
  }
  if (ctx.schedulingDisabledAt) {
    return { status: 'unhealthy', reason: `${ctx.schedulingDisabledReason ?? 'scheduling disabled'} (vendor answers again: run a connection test to resume)` };
  }
  if (ctx.consecutiveFailures > 0) {
    return { status: 'degraded', reason: `${vendor} answers, but the last ${ctx.consecutiveFailures} sync(s) failed (last status ${ctx.lastSyncStatus ?? 'unknown'})` };
  }
  return { status: 'healthy', reason: null };
}
