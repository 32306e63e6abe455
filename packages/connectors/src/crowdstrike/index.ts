import type { VendorModule } from '../core';
import { CrowdStrikeConnector } from './connector';
import { crowdstrikeManifest } from './manifest';
import { CrowdStrikeSettings } from './settings';
import { crowdstrikeWebhooks } from './webhooks';

export { CrowdStrikeConnector } from './connector';

/** The CrowdStrike Falcon vendor module. */
export const vendor: VendorModule = {
  manifest: crowdstrikeManifest,
  create: (ctx) => new CrowdStrikeConnector(ctx),
  settingsClass: CrowdStrikeSettings,
  webhooks: crowdstrikeWebhooks,
};
