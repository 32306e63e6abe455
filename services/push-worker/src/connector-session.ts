import type { DataSource } from 'typeorm';
import type { Logger, SecretBox } from '@trustsync/core';
import { createConnector, type Connector, type ConnectorFactory, type OutboundPolicy, type RateGate, type TokenCache } from '@trustsync/connectors';
import { IntegrationEntity, openCredentials, toIntegrationView } from '@trustsync/db';
import type { TrustSyncMetrics } from '@trustsync/metrics';

/** What building a connector for a push or a command needs. */
export interface ConnectorDeps {
  dataSource: DataSource;
  secretBox: SecretBox;
  gateFor: (integration: IntegrationEntity) => RateGate;
  tokenCache: TokenCache;
  /** Where vendor requests may go (the SSRF guard); from the base config. Absent only in tests that script the vendor. */
  outbound?: OutboundPolicy;
  logger: Logger;
  connectorFactory?: ConnectorFactory;
  /** Counts every vendor response (and rate-gate wait) of pushes and commands, as the sync worker does for pulls. */
  metrics?: TrustSyncMetrics;
}

/** A live connector with the integration it belongs to; null when the integration is gone or disabled. */
export async function openConnector(deps: ConnectorDeps, integrationId: string, log: Logger): Promise<{ integration: IntegrationEntity; connector: Connector } | null> {
  const integration = await deps.dataSource.getRepository(IntegrationEntity).findOneBy({ id: integrationId });
  if (!integration || !integration.enabled) return null;
  const gate = deps.gateFor(integration);
  const connector = (deps.connectorFactory ?? createConnector)({
    integration: toIntegrationView(integration),
    credentials: openCredentials(integration, deps.secretBox),
    gate,
    logger: log,
    tokenCache: deps.tokenCache,
    outbound: deps.outbound,
    now: () => new Date(),
    onResponse: deps.metrics?.vendorResponseHook(integration.integrationType, integration.id, gate),
  });
  return { integration, connector };
}
