import { createHash } from 'node:crypto';
import type IORedis from 'ioredis';
import type { Logger } from '@trustsync/core';
import { ClusteredRateGate, createBottleneckConnection, type RateBudget, type RateGate } from '@trustsync/connectors';

/** What names a vendor tenant: the same vendor, base URL, region and client id share one budget. */
export interface VendorTenant {
  vendor: string;
  integrationId: string;
  endpoint: string | null;
  region: string | null;
  /** The non-secret identity of the credential (OAuth client id), when the vendor budgets per client. */
  credentialId?: string | null;
}

/**
 * The Redis key part of a tenant's budget. Integrations pointing at the same vendor tenant
 * share it; without an endpoint nothing identifies the tenant, so the integration is its own.
 */
export function tenantKeyOf(t: VendorTenant): string {
  if (!t.endpoint) return `${t.vendor}:${t.integrationId}`;
  const base = t.endpoint.trim().toLowerCase().replace(/\/+$/, '');
  const digest = createHash('sha256').update(`${base}|${t.region ?? ''}|${t.credentialId ?? ''}`).digest('hex').slice(0, 16);
  return `${t.vendor}:${digest}`;
}

/** Builds the clustered gates of one process: one per tenant and budget, all over one Bottleneck connection. */
export interface RateGateFactory {
  gateFor(tenant: VendorTenant, budget: RateBudget): RateGate;
  close(): Promise<void>;
}

/** Options of `createRateGateFactory`. */
export interface RateGateFactoryOptions {
  utilisation?: number;
  logger?: Logger;
}

/**
 * The gate factory every worker (sync, push, webhook follow-up) uses, so all HTTP to one vendor
 * tenant from every process and job type goes through one budget in Redis under `prefix`.
 */
export function createRateGateFactory(redis: IORedis, prefix: string, opts: RateGateFactoryOptions = {}): RateGateFactory {
  const connection = createBottleneckConnection(redis);
  const gates = new Map<string, { budgetKey: string; gate: ClusteredRateGate }>();
  return {
    gateFor(tenant, budget) {
      const tenantKey = tenantKeyOf(tenant);
      const budgetKey = `${budget.requests}/${budget.periodSeconds}`;
      const found = gates.get(tenantKey);
      if (found && found.budgetKey === budgetKey) return found.gate;
      void found?.gate.close();
      const gate = new ClusteredRateGate({ connection, redis, prefix, tenantKey, budget, utilisation: opts.utilisation, logger: opts.logger });
      gates.set(tenantKey, { budgetKey, gate });
      return gate;
    },
    async close() {
      await Promise.all([...gates.values()].map((g) => g.gate.close()));
      gates.clear();
      await connection.disconnect(false);
    },
  };
}
