import type { VendorModule } from '../core';
import { OktaConnector } from './connector';
import { oktaManifest } from './manifest';
import { OktaSettings } from './settings';
import { oktaWebhooks } from './webhooks';

export { OktaConnector } from './connector';
export { parseLinkHeader } from './link-header';
export { readOktaRateLimit } from './rate-limit';

/** The Okta vendor module. */
export const vendor: VendorModule = {
  manifest: oktaManifest,
  create: (ctx) => new OktaConnector(ctx),
  settingsClass: OktaSettings,
  webhooks: oktaWebhooks,
};
