import { ConfigError, EnvReader } from '@trustsync/core';
import { readSandboxSettings } from './config';
import { buildSandbox } from './sandbox';

/** What `/_sandbox` shows for a sandbox started with `env`, as `npm start` starts it. */
function demoCompany(env: NodeJS.ProcessEnv): Record<string, Record<string, unknown>> {
  const r = new EnvReader(env);
  const { config } = readSandboxSettings(r);
  r.finish();
  const { vendors } = buildSandbox(config);
  return Object.fromEntries(Object.entries(vendors).map(([name, v]) => [name, v!.describe()]));
}

describe('sandbox demo company defaults', () => {
  // `npm start` passes no SANDBOX_* sizes, so these are the tenants the demo syncs.
  const company = demoCompany({});

  it('gives CrowdStrike at least 12,000 visible hosts', () => {
    expect(company.crowdstrike).toMatchObject({ hosts: 12_500, visibleHosts: 12_450, hiddenHosts: 50 });
  });

  it('has 5,000 people, listed as users by Okta, Kandji, Zscaler and Seraphic', () => {
    expect([company.okta.users, company.kandji.users, company.zscaler.users, company.seraphic.users]).toEqual([5000, 5000, 5000, 5000]);
  });

  it('gives Zscaler 3,000 Client Connector devices and Seraphic 3,000 endpoints', () => {
    expect([company.zscaler.devices, company.seraphic.endpoints]).toEqual([3000, 3000]);
  });

  it('gives Kandji at least 1,000 devices', () => {
    expect(company.kandji.devices).toBe(1500);
  });
});

describe('sandbox settings', () => {
  it('lets SANDBOX_<VENDOR>_DEVICES and SANDBOX_PEOPLE size a tenant below the defaults', () => {
    const company = demoCompany({ SANDBOX_VENDORS: 'crowdstrike', SANDBOX_CROWDSTRIKE_DEVICES: '400', SANDBOX_PEOPLE: '90' });
    expect({ vendors: Object.keys(company), hosts: company.crowdstrike.hosts }).toEqual({ vendors: ['crowdstrike'], hosts: 400 });
  });

  it('refuses an unknown vendor name', () => {
    expect(() => demoCompany({ SANDBOX_VENDORS: 'kandji,jamf' })).toThrow(ConfigError);
  });
});
