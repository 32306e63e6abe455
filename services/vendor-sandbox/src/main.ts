import { EnvReader, createLogger, onShutdown } from '@trustsync/core';
import { startSandbox, type SandboxConfig } from './sandbox';
import { SANDBOX_VENDORS, type SandboxVendorName } from './vendors';

/** Default tenant sizes of the demo company. */
const DEFAULT_DEVICES: Record<SandboxVendorName, number> = { kandji: 1500, crowdstrike: 1200, zscaler: 1000, seraphic: 800, okta: 600 };

// Composition root of the standalone sandbox: `SANDBOX_<VENDOR>_DEVICES` sizes each tenant.
async function main(): Promise<void> {
  const r = new EnvReader(process.env);
  const port = r.int('SANDBOX_PORT', 9100, 0, 65535);
  const host = r.string('SANDBOX_HOST', '127.0.0.1');
  const names = r.string('SANDBOX_VENDORS', Object.keys(SANDBOX_VENDORS).join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  const config: SandboxConfig = { seed: r.string('SANDBOX_SEED', 'northwind'), people: r.int('SANDBOX_PEOPLE', 1200, 0, 10_000_000) };
  for (const n of names) {
    if (!(n in SANDBOX_VENDORS)) {
      r.problem(`SANDBOX_VENDORS names unknown vendor ${n}`);
      continue;
    }
    const name = n as SandboxVendorName;
    config[name] = { devices: r.int(`SANDBOX_${name.toUpperCase()}_DEVICES`, DEFAULT_DEVICES[name], 0, 10_000_000) };
  }
  r.finish();
  const logger = createLogger({ service: 'vendor-sandbox' });
  const sandbox = await startSandbox(config, port, host);
  logger.info('vendor sandbox listening', { url: sandbox.url, vendors: Object.keys(sandbox.vendors) });
  onShutdown(logger, 5000, [{ name: 'close server', run: () => sandbox.close() }]);
}

main().catch((err) => {
  console.error(`vendor sandbox failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
