import { EnvReader, createLogger, onShutdown } from '@trustsync/core';
import { readSandboxSettings } from './config';
import { startSandbox } from './sandbox';

// Composition root of the standalone sandbox: `SANDBOX_*` variables size the company (see config.ts).
async function main(): Promise<void> {
  const r = new EnvReader(process.env);
  const { port, host, config } = readSandboxSettings(r);
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
