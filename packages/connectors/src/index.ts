import type { IntegrationType } from '@trustsync/model';
import { ConnectorError, type ConnectorContext, type Connector, type VendorModule } from './core';
import { vendor as kandji } from './kandji';
import { vendor as okta } from './okta';
import { vendor as crowdstrike } from './crowdstrike';
import { vendor as zscaler } from './zscaler';
import { vendor as seraphic } from './seraphic';

export * from './core';

/** Every vendor TrustSync speaks, by integration type. */
export const VENDORS: Record<IntegrationType, VendorModule> = { kandji, okta, crowdstrike, zscaler, seraphic };

/** Builds the connector for an integration. */
export function createConnector(ctx: ConnectorContext): Connector {
  const mod = VENDORS[ctx.integration.type];
  if (!mod) throw new ConnectorError('unsupported', ctx.integration.type, `no connector for ${ctx.integration.type}`);
  return mod.create(ctx);
}
