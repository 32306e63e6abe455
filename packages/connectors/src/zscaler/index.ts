import type { VendorModule } from '../core';
import { ZscalerConnector } from './connector';
import { manifest } from './manifest';
import { ZscalerSettings } from './settings';
import { webhooks } from './webhooks';

/** The Zscaler vendor module. */
export const vendor: VendorModule = {
  manifest,
  create: (ctx) => new ZscalerConnector(ctx),
  settingsClass: ZscalerSettings,
  webhooks,
};

export { obfuscateApiKey } from './obfuscation';
export { ZscalerConnector } from './connector';
