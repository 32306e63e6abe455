import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { Fleet } from './fleet';
import { ResponseCache } from './response-cache';
import type { SandboxVendor, SandboxVendorFactory, VendorSeed } from './sandbox-vendor';
import { SANDBOX_VENDORS, type SandboxVendorName } from './vendors';

/** How big each vendor's tenant is, and anything vendor-specific. */
export type SandboxConfig = {
  seed?: string;
  people?: number;
  /** The instant generated times count back from; default midnight UTC today (see `Fleet`). */
  anchorMs?: number;
  /** Vendors whose GET answers are kept and replayed until the tenant changes (benchmarks; see ResponseCache). */
  responseCache?: { vendors: SandboxVendorName[]; maxBytes: number };
} & Partial<Record<SandboxVendorName, Partial<VendorSeed> & { devices?: number }>>;

/** A running sandbox. */
export interface Sandbox {
  app: Express;
  vendors: Partial<Record<SandboxVendorName, SandboxVendor>>;
  /** Base URL, e.g. `http://127.0.0.1:9100`; vendor APIs live at `<url>/<vendor>`. */
  url: string;
  close(): Promise<void>;
}

/** Builds the express app with the configured vendors (only those named in `config`). */
export function buildSandbox(config: SandboxConfig): { app: Express; vendors: Sandbox['vendors'] } {
  const fleet = new Fleet(config.seed ?? 'northwind', undefined, config.anchorMs);
  const people = config.people ?? 1000;
  const app = express();
  app.disable('x-powered-by');
  const vendors: Sandbox['vendors'] = {};
  for (const name of Object.keys(SANDBOX_VENDORS) as SandboxVendorName[]) {
    const opts = config[name];
    if (!opts) continue;
    const factory: SandboxVendorFactory = SANDBOX_VENDORS[name];
    const v = factory({ fleet, people, devices: 1000, ...opts });
    vendors[name] = v;
    const cache = config.responseCache?.vendors.includes(name) ? new ResponseCache(config.responseCache.maxBytes) : undefined;
    app.use(`/${name}`, v.traffic.middleware(), ...(cache ? [cache.middleware()] : []), v.router());
    const adminRouter = express.Router();
    adminRouter.use(express.json());
    // Any change made through the admin API may change what the vendor API answers.
    if (cache) adminRouter.use((req, _res, next) => (req.method === 'GET' ? next() : (cache.clear(), next())));
    adminRouter.get('/stats', (_req, res) => void res.json(v.traffic.stats));
    adminRouter.post('/reset-stats', (_req, res) => {
      v.traffic.reset();
      res.json({ ok: true });
    });
    adminRouter.post('/faults', (req, res) => {
      v.traffic.faults = { ...v.traffic.faults, ...(req.body ?? {}) };
      res.json(v.traffic.faults);
    });
    adminRouter.post('/limit', (req, res) => {
      const { requests, windowMs } = req.body ?? {};
      v.traffic.limit = requests ? { requests: Number(requests), windowMs: Number(windowMs ?? 1000) } : undefined;
      res.json({ limit: v.traffic.limit ?? null });
    });
    adminRouter.get('/describe', (_req, res) => void res.json(v.describe()));
    if (v.admin) adminRouter.use(v.admin());
    app.use(`/_sandbox/${name}`, adminRouter);
  }
  app.get('/_sandbox', (_req, res) => {
    res.json(Object.fromEntries(Object.entries(vendors).map(([n, v]) => [n, { ...v!.describe(), traffic: v!.traffic.stats }])));
  });
  return { app, vendors };
}

/** Starts the sandbox on `port` (0 = any free port) on loopback. */
export async function startSandbox(config: SandboxConfig, port = 0, host = '127.0.0.1'): Promise<Sandbox> {
  const { app, vendors } = buildSandbox(config);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  const { port: bound } = server.address() as AddressInfo;
  return {
    app,
    vendors,
    url: `http://${host}:${bound}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
