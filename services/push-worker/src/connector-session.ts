import type { DataSource } from 'typeorm';
import type { Logger, SecretBox } from '@trustsync/core';
import { createConnector, type Connector, type ConnectorFactory, type RateGate, type TokenCache } from '@trustsync/connectors';
import { IntegrationEntity, openCredentials, toIntegrationView } from '@trustsync/db';

/** What building a connector for a push or a command needs. */
export interface ConnectorDeps {
  dataSource: DataSource;
  secretBox: SecretBox;
  gateFor: (integration: IntegrationEntity) => RateGate;
  tokenCache: TokenCache;
  logger: Logger;
  connectorFactory?: ConnectorFactory;
}

/** A live connector with the integration it belongs to; null when the integration is gone or disabled. */
export async function openConnector(deps: ConnectorDeps, integrationId: string, log: Logger): Promise<{ integration: IntegrationEntity; connector: Connector } | null> {
  const integration = await deps.dataSource.getRepository(IntegrationEntity).findOneBy({ id: integrationId });
  if (!integration || !integration.enabled) return null;
  const connector = (deps.connectorFactory ?? createConnector)({
    integration: toIntegrationView(integration),
    credentials: openCredentials(integration, deps.secretBox),
    gate: deps.gateFor(integration),
    logger: log,
    tokenCache: deps.tokenCache,
    now: () => new Date(),
  });
  return { integration, connector };
}
