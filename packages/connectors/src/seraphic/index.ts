import { ConnectorError, type VendorModule } from '../core';

// Placeholder until the seraphic connector lands: declared, but every call says it is unsupported.
export const vendor: VendorModule = {
  manifest: { type: 'seraphic', displayName: 'seraphic', authTypes: [], capabilities: [], commands: [], defaultRateLimit: { requests: 100, periodSeconds: 60 } },
  create: () => {
    throw new ConnectorError('unsupported', 'seraphic', 'the seraphic connector is not available yet');
  },
};
