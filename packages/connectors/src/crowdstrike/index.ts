import { ConnectorError, type VendorModule } from '../core';

// Placeholder until the crowdstrike connector lands: declared, but every call says it is unsupported.
export const vendor: VendorModule = {
  manifest: { type: 'crowdstrike', displayName: 'crowdstrike', authTypes: [], capabilities: [], commands: [], defaultRateLimit: { requests: 100, periodSeconds: 60 } },
  create: () => {
    throw new ConnectorError('unsupported', 'crowdstrike', 'the crowdstrike connector is not available yet');
  },
};
