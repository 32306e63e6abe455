import { LocalRateGate, VENDORS, type RateBudget, type RateGate } from '@trustsync/connectors';
import type { IntegrationType } from '@trustsync/model';
import type { RateGateFactory, VendorTenant } from './rate-gate-factory';

/** The integration fields that decide its rate budget and the tenant it shares it with. */
export interface RateLimitedIntegration {
  id: string;
  integrationType: string;
  endpoint: string | null;
  region: string | null;
  rateLimitRequests: number | null;
  rateLimitPeriodSeconds: number | null;
}

/** The budget of an integration: its own override, else its vendor's documented default. */
export function budgetOf(integration: Pick<RateLimitedIntegration, 'integrationType' | 'rateLimitRequests' | 'rateLimitPeriodSeconds'>): RateBudget {
  const def = VENDORS[integration.integrationType as IntegrationType]?.manifest.defaultRateLimit ?? { requests: 100, periodSeconds: 60 };
  return {
    requests: integration.rateLimitRequests ?? def.requests,
    periodSeconds: integration.rateLimitPeriodSeconds ?? def.periodSeconds,
    maxConcurrent: def.maxConcurrent,
  };
}

/**
 * The rate gates of one process, for every job type (sync, push, command, health check). With a
 * factory (production) each gate is the tenant's clustered budget in Redis, shared with every
 * other replica; without one (single-process tests, the API's connection test) each integration
 * gets a local gate. `credentialIdOf` names the OAuth client where vendors budget per client.
 */
export class IntegrationRateGates {
  private readonly local = new Map<string, { key: string; gate: LocalRateGate }>();

  constructor(
    private readonly factory?: RateGateFactory,
    private readonly credentialIdOf: (integration: RateLimitedIntegration) => string | null = () => null,
  ) {}

  for(integration: RateLimitedIntegration): RateGate {
    const budget = budgetOf(integration);
    if (this.factory) return this.factory.gateFor(this.tenantOf(integration), budget);
    const key = `${budget.requests}/${budget.periodSeconds}/${budget.maxConcurrent ?? ''}`;
    const found = this.local.get(integration.id);
    if (found && found.key === key) return found.gate;
    void found?.gate.close();
    const gate = new LocalRateGate(budget);
    this.local.set(integration.id, { key, gate });
    return gate;
  }

  async close(): Promise<void> {
    await Promise.all([...this.local.values()].map((g) => g.gate.close()));
    this.local.clear();
    await this.factory?.close();
  }

  private tenantOf(integration: RateLimitedIntegration): VendorTenant {
    let credentialId: string | null = null;
    try {
      credentialId = this.credentialIdOf(integration);
    } catch {
      // unreadable credentials fail the job later, with a clear message; the budget falls back to the endpoint
    }
    return { vendor: integration.integrationType, integrationId: integration.id, endpoint: integration.endpoint, region: integration.region, credentialId };
  }
}
