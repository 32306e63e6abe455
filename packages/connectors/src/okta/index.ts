import { ConnectorError, type VendorModule } from '../core';

// Placeholder until the okta connector lands: declared, but every call says it is unsupported.
export const vendor: VendorModule = {
  manifest: { type: 'okta', displayName: 'okta', authTypes: [], capabilities: [], commands: [], defaultRateLimit: { requests: 100, periodSeconds: 60 } },
  create: () => {
    throw new ConnectorError('unsupported', 'okta', 'the okta connector is not available yet');
  },
};
