import { DecryptError, SecretRegistry, redact } from '@trustsync/core';
import { ConnectorError, LocalRateGate, MemoryTokenCache, type ConnectorErrorKind, type RateBudget } from '@trustsync/connectors';
import { getIntegration, openCredentials, recordHealth, resumeScheduling, toIntegrationView, type IntegrationEntity, type IntegrationHealth } from '@trustsync/db';
import type { IntegrationType } from '@trustsync/model';
import type { ApiContext } from '../api-context';
import { DeadlineError, withDeadline } from '../http/deadline';

/** The answer of POST /integrations/:id/test. */
export interface ConnectionTestOutcome {
  success: boolean;
  health_status: IntegrationHealth;
  message: string;
  details: Record<string, unknown>;
  /** True when this test switched scheduling back on after it was stopped automatically. */
  scheduling_resumed: boolean;
}

const KIND_TEXT: Record<ConnectorErrorKind, string> = {
  auth: 'credentials rejected',
  forbidden: 'the credentials lack permission for this call',
  rate_limited: 'rate limited by the vendor',
  not_found: 'not found (check the endpoint)',
  transient: 'vendor unreachable or failing',
  invalid_response: 'unexpected response from the vendor',
  unsupported: 'no connector available',
  rejected: 'request rejected by the vendor',
};

function budgetOf(entity: IntegrationEntity, fallback: RateBudget): RateBudget {
  return entity.rateLimitRequests && entity.rateLimitPeriodSeconds
    ? { requests: entity.rateLimitRequests, periodSeconds: entity.rateLimitPeriodSeconds }
    : fallback;
}

function minuteOf(at: Date): string {
  return `${at.toISOString().slice(0, 16)}Z`;
}

/** A failure as a health reason a person can act on, e.g. "401 from kandji at 2026-12-04T09:14Z: credentials rejected". */
function describeFailure(err: unknown, vendor: string, at: Date, registry: SecretRegistry): { reason: string; details: Record<string, unknown> } {
  const when = minuteOf(at);
  if (err instanceof ConnectorError) {
    const label = err.status ?? err.kind;
    return {
      reason: `${label} from ${err.vendor} at ${when}: ${KIND_TEXT[err.kind]} (${registry.scrub(err.message)})`,
      details: { kind: err.kind, status: err.status ?? null, vendor_code: err.extra.vendorCode ?? null, retry_at: err.retryAt?.toISOString() ?? null },
    };
  }
  if (err instanceof DeadlineError) {
    return { reason: `timeout from ${vendor} at ${when}: no answer within ${err.timeoutMs} ms`, details: { kind: 'timeout' } };
  }
  if (err instanceof DecryptError) {
    return { reason: `stored credentials of this integration cannot be opened with the configured secret keys (${when})`, details: { kind: 'decrypt_failed' } };
  }
  return { reason: `unexpected error testing ${vendor} at ${when}`, details: { kind: 'unexpected' } };
}

async function runTest(ctx: ApiContext, entity: IntegrationEntity, registry: SecretRegistry): Promise<Record<string, unknown>> {
  const type = entity.integrationType as IntegrationType;
  const credentials = openCredentials(entity, ctx.secretBox);
  for (const value of Object.values(credentials)) registry.add(value);
  const gate = new LocalRateGate(budgetOf(entity, ctx.vendors[type].manifest.defaultRateLimit));
  try {
    const connector = ctx.createConnector({
      integration: toIntegrationView(entity),
      credentials,
      gate,
      tokenCache: new MemoryTokenCache(),
      logger: ctx.logger.child({ integrationId: entity.id, vendor: type }),
      now: ctx.now,
      onResponse: ctx.metrics.vendorResponseHook(type, entity.id, gate),
      outbound: { allowPrivate: ctx.allowPrivateEndpoints, allowedHosts: ctx.endpointAllowlist },
    });
    try {
      const result = await withDeadline(connector.testConnection(), ctx.connectionTestTimeoutMs, `${type} connection test`);
      return redact(result.details, registry) as Record<string, unknown>;
    } finally {
      await connector.close?.();
    }
  } finally {
    await gate.close();
  }
}

/**
 * Calls the vendor with the integration's own credentials (authenticate and read one page) and
 * records the health it found. A vendor failure is an answer, not an API error: success false,
 * with a reason that names status, vendor and time but never a credential.
 */
export async function testIntegrationConnection(ctx: ApiContext, id: string): Promise<ConnectionTestOutcome> {
  const entity = await getIntegration(ctx.dataSource, id);
  const registry = new SecretRegistry();
  const startedAt = ctx.now();
  try {
    const details = await runTest(ctx, entity, registry);
    await recordHealth(ctx.dataSource, id, 'healthy', null);
    const resumed = await resumeScheduling(ctx.dataSource, id);
    if (resumed) ctx.logger.info('scheduling resumed after a successful connection test', { integrationId: id });
    return { success: true, health_status: 'healthy', message: `connected to ${entity.integrationType}`, details, scheduling_resumed: resumed };
  } catch (err) {
    const { reason, details } = describeFailure(err, entity.integrationType, startedAt, registry);
    if (details.kind === 'unexpected' || details.kind === 'decrypt_failed') {
      ctx.logger.warn('connection test failed unexpectedly', { integrationId: id, error: registry.scrub(err instanceof Error ? `${err.name}: ${err.message}` : String(err)) });
    }
    await recordHealth(ctx.dataSource, id, 'unhealthy', reason);
    return { success: false, health_status: 'unhealthy', message: reason, details, scheduling_resumed: false };
  }
}
