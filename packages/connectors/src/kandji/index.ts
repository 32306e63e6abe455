import { ConnectorError, type VendorModule } from '../core';

// Placeholder until the Kandji connector lands.
export const vendor: VendorModule = {
  manifest: { type: 'kandji', displayName: 'Kandji', authTypes: ['bearer'], capabilities: [], commands: [], defaultRateLimit: { requests: 10_000, periodSeconds: 3600 } },
  create: () => {
    throw new ConnectorError('unsupported', 'kandji', 'the Kandji connector is not available yet');
  },
};
