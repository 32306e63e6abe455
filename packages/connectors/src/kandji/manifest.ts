import type { ConnectorManifest } from '../core';
import { KANDJI_ACTIONS, type KandjiVerb } from './commands';

/** Static facts about Kandji: bearer token auth, 10,000 requests an hour per tenant [doc]. */
export const kandjiManifest: ConnectorManifest = {
  type: 'kandji',
  displayName: 'Kandji',
  authTypes: ['bearer', 'api_key'],
  capabilities: ['pullDevices', 'pullUsers', 'pullPolicies', 'pullDetections', 'runCommand'],
  commands: Object.keys(KANDJI_ACTIONS) as KandjiVerb[],
  hosts: ['*.kandji.io', '*.iru.com'],
  defaultRateLimit: { requests: 10_000, periodSeconds: 3600, maxConcurrent: 8 },
};
