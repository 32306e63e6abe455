import type { ConnectorManifest } from '../core';

/** Seraphic enterprise browser security; 2 requests a second is what its Sentinel connector uses. */
export const manifest: ConnectorManifest = {
  type: 'seraphic',
  displayName: 'Seraphic Security',
  authTypes: ['api_key'],
  capabilities: ['pullDevices', 'pullUsers', 'pullPolicies', 'pullDetections', 'pushCompliance', 'pushRiskScore', 'webhooks'],
  commands: [],
  // Tenant URLs come from the Seraphic console and are not published [inf]: other hosts need TRUSTSYNC_ENDPOINT_ALLOWLIST.
  hosts: ['*.seraphicsecurity.com'],
  defaultRateLimit: { requests: 2, periodSeconds: 1, maxConcurrent: 2 },
};
