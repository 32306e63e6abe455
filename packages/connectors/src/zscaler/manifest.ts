import type { ConnectorManifest } from '../core';

/** Client Connector commands: soft and forced de-registration (the device must enrol again). */
export const ZSCALER_COMMANDS = ['remove_device', 'force_remove_device'] as const;
export type ZscalerCommand = (typeof ZSCALER_COMMANDS)[number];

/**
 * Zscaler ZIA + ZPA + Client Connector. The default budget is ZIA's light-weight GET rate
 * (2 per second); ZPA's 20 GETs per 10 s is the same pace.
 */
export const manifest: ConnectorManifest = {
  type: 'zscaler',
  displayName: 'Zscaler (ZIA, ZPA, Client Connector)',
  authTypes: ['legacy', 'oneapi'],
  capabilities: ['pullDevices', 'pullUsers', 'pullPolicies', 'pushCompliance', 'pushRiskScore', 'runCommand', 'webhooks'],
  commands: ZSCALER_COMMANDS,
  hosts: ['*.zscaler.net', '*.zscalerone.net', '*.zscalertwo.net', '*.zscalerthree.net', '*.zscloud.net', '*.zscalerbeta.net', '*.zscalergov.net', '*.zscalergov.us', '*.zscalerten.net', '*.zspreview.net', '*.zsapi.net', 'api.zscaler.com', 'config.private.zscaler.com', '*.zslogin.net', '*.zidentitygov.net', '*.zidentitygov.us'],
  defaultRateLimit: { requests: 2, periodSeconds: 1, maxConcurrent: 4 },
};
