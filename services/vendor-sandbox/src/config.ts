import type { EnvReader } from '@trustsync/core';
import type { SandboxConfig } from './sandbox';
import { SANDBOX_VENDORS, type SandboxVendorName } from './vendors';

/**
 * Default tenant sizes of the demo company, at the sizes the demo must show: at least 12,000
 * CrowdStrike hosts (Falcon hides one in 250, so 12,500 leaves 12,450 visible), 3,000 Zscaler
 * Client Connector devices, 3,000 Seraphic endpoints and 1,000 Kandji devices.
 */
export const DEFAULT_DEVICES: Record<SandboxVendorName, number> = { kandji: 1500, crowdstrike: 12_500, zscaler: 3000, seraphic: 3000, okta: 600 };

/** Default number of people in the demo company (users in Okta, Zscaler, Kandji and Seraphic). */
export const DEFAULT_PEOPLE = 5000;

/** Where the standalone sandbox listens and which company it serves. */
export interface SandboxSettings {
  port: number;
  host: string;
  config: SandboxConfig;
}

/** Reads `SANDBOX_*` settings; `SANDBOX_<VENDOR>_DEVICES` sizes each tenant, `SANDBOX_PEOPLE` the company. */
export function readSandboxSettings(r: EnvReader): SandboxSettings {
  const port = r.int('SANDBOX_PORT', 9100, 0, 65535);
  const host = r.string('SANDBOX_HOST', '127.0.0.1');
  const names = r.string('SANDBOX_VENDORS', Object.keys(SANDBOX_VENDORS).join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  const config: SandboxConfig = { seed: r.string('SANDBOX_SEED', 'northwind'), people: r.int('SANDBOX_PEOPLE', DEFAULT_PEOPLE, 0, 10_000_000) };
  for (const n of names) {
    if (!(n in SANDBOX_VENDORS)) {
      r.problem(`SANDBOX_VENDORS names unknown vendor ${n}`);
      continue;
    }
    const name = n as SandboxVendorName;
    config[name] = { devices: r.int(`SANDBOX_${name.toUpperCase()}_DEVICES`, DEFAULT_DEVICES[name], 0, 10_000_000) };
  }
  const cached = r.string('SANDBOX_RESPONSE_CACHE', '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of cached) if (!(n in SANDBOX_VENDORS)) r.problem(`SANDBOX_RESPONSE_CACHE names unknown vendor ${n}`);
  if (cached.length > 0) config.responseCache = { vendors: cached as SandboxVendorName[], maxBytes: r.int('SANDBOX_RESPONSE_CACHE_MB', 1024, 1, 16_384) * 1024 * 1024 };
  return { port, host, config };
}
