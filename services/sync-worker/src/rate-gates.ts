import { LocalRateGate, VENDORS, type RateBudget, type RateGate } from '@trustsync/connectors';
import type { IntegrationEntity } from '@trustsync/db';
import type { IntegrationType } from '@trustsync/model';

/** The budget of an integration: its own override, else its vendor's documented default. */
export function budgetOf(integration: Pick<IntegrationEntity, 'integrationType' | 'rateLimitRequests' | 'rateLimitPeriodSeconds'>): RateBudget {
  const def = VENDORS[integration.integrationType as IntegrationType]?.manifest.defaultRateLimit ?? { requests: 100, periodSeconds: 60 };
  return {
    requests: integration.rateLimitRequests ?? def.requests,
    periodSeconds: integration.rateLimitPeriodSeconds ?? def.periodSeconds,
    maxConcurrent: def.maxConcurrent,
  };
}

/** One gate per integration for this process, rebuilt when the integration's budget changes. */
export class RateGates {
  private readonly gates = new Map<string, { key: string; gate: LocalRateGate }>();

  for(integration: IntegrationEntity): RateGate {
    const budget = budgetOf(integration);
    const key = `${budget.requests}/${budget.periodSeconds}/${budget.maxConcurrent ?? ''}`;
    const found = this.gates.get(integration.id);
    if (found && found.key === key) return found.gate;
    void found?.gate.close();
    const gate = new LocalRateGate(budget);
    this.gates.set(integration.id, { key, gate });
    return gate;
  }

  async close(): Promise<void> {
    await Promise.all([...this.gates.values()].map((g) => g.gate.close()));
    this.gates.clear();
  }
}
