import type { ConnectorManifest } from '../core';

/** Okta's capabilities; the budget is a conservative share of a users bucket, the headers tighten it at run time. */
export const oktaManifest = {
  type: 'okta',
  displayName: 'Okta',
  authTypes: ['api_token', 'oauth_private_key_jwt'],
  capabilities: ['pullDevices', 'pullUsers', 'pullPolicies', 'pullDetections', 'pushCompliance', 'pushRiskScore', 'runCommand', 'webhooks'],
  commands: ['suspend_device', 'unsuspend_device', 'revoke_sessions'],
  // Okta custom domains are not covered: allow them with TRUSTSYNC_ENDPOINT_ALLOWLIST.
  hosts: ['*.okta.com', '*.oktapreview.com', '*.okta-emea.com', '*.okta-gov.com', '*.okta.mil'],
  defaultRateLimit: { requests: 600, periodSeconds: 60, maxConcurrent: 10 },
} as const satisfies ConnectorManifest;
