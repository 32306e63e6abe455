import express from 'express';
import { Traffic } from '../../traffic';
import type { SandboxVendorFactory } from '../../sandbox-vendor';

// Placeholder until the crowdstrike simulator lands: every call answers 501.
export const crowdstrikeSandbox: SandboxVendorFactory = () => {
  const traffic = new Traffic((res) => void res.status(429).end());
  return {
    name: 'crowdstrike',
    traffic,
    router: () => express.Router().use((_req, res) => void res.status(501).json({ error: 'crowdstrike sandbox not implemented' })),
    describe: () => ({ implemented: false }),
  };
};
