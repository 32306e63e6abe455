import { ConnectorError, type VendorModule } from '../core';

// Placeholder until the zscaler connector lands: declared, but every call says it is unsupported.
export const vendor: VendorModule = {
  manifest: { type: 'zscaler', displayName: 'zscaler', authTypes: [], capabilities: [], commands: [], defaultRateLimit: { requests: 100, periodSeconds: 60 } },
  create: () => {
    throw new ConnectorError('unsupported', 'zscaler', 'the zscaler connector is not available yet');
  },
};
