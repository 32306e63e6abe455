import type { VendorModule } from '../core';
import { SeraphicConnector } from './connector';
import { manifest } from './manifest';
import { SeraphicSettings } from './settings';
import { webhooks } from './webhooks';

/** The Seraphic vendor module (proposed contract: confirm with the vendor before GA). */
export const vendor: VendorModule = {
  manifest,
  create: (ctx) => new SeraphicConnector(ctx),
  settingsClass: SeraphicSettings,
  webhooks,
};

export { SeraphicConnector } from './connector';
