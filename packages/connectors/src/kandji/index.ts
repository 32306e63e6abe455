import type { VendorModule } from '../core';
import { KandjiConnector } from './connector';
import { kandjiManifest } from './manifest';
import { KandjiSettings } from './settings';

export { KandjiConnector, KANDJI_PAGE_LIMITS } from './connector';
export { KandjiClient, kandjiErrorText, kandjiToken } from './client';
export { KANDJI_ACTIONS, buildKandjiAction, type KandjiVerb } from './commands';
export { kandjiManifest } from './manifest';
export * from './mappers';
export { KandjiSettings, kandjiBaseUrl, parseKandjiSettings, type KandjiLocation, type KandjiRegion, type KandjiHostFamily } from './settings';
export type * from './api-types';

/** The Kandji (Iru) vendor module: devices, posture, users, blueprints, detections and device actions. */
export const vendor: VendorModule = {
  manifest: kandjiManifest,
  create: (ctx) => new KandjiConnector(ctx),
  settingsClass: KandjiSettings,
};
