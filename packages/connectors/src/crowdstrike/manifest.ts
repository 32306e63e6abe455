import type { ConnectorManifest } from '../core';

/** Falcon's capabilities; the budget is the CID-wide bucket (6,000 a minute, refilled at 100/s). */
export const crowdstrikeManifest = {
  type: 'crowdstrike',
  displayName: 'CrowdStrike Falcon',
  authTypes: ['oauth_client_credentials'],
  capabilities: ['pullDevices', 'pullPolicies', 'pullDetections', 'runCommand', 'webhooks'],
  commands: ['contain', 'lift_containment'],
  // The bucket is shared with the customer's SIEM and SOAR, so TrustSync takes a share of it.
  hosts: ['*.crowdstrike.com', '*.crowdstrike.mil'],
  defaultRateLimit: { requests: 3000, periodSeconds: 60, maxConcurrent: 10 },
} as const satisfies ConnectorManifest;
