import express from 'express';
import { Traffic } from '../../traffic';
import type { SandboxVendorFactory } from '../../sandbox-vendor';

// Placeholder until the seraphic simulator lands: every call answers 501.
export const seraphicSandbox: SandboxVendorFactory = () => {
  const traffic = new Traffic((res) => void res.status(429).end());
  return {
    name: 'seraphic',
    traffic,
    router: () => express.Router().use((_req, res) => void res.status(501).json({ error: 'seraphic sandbox not implemented' })),
    describe: () => ({ implemented: false }),
  };
};
