import { isConnectorError } from '../core';
import { kandjiBaseUrl, parseKandjiSettings } from './settings';

describe('kandjiBaseUrl', () => {
  it.each([
    ['a US tenant', { subdomain: 'northwind', region: 'us' as const }, 'https://northwind.api.kandji.io'],
    ['an EU tenant, with the region after api.', { subdomain: 'northwind', region: 'eu' as const }, 'https://northwind.api.eu.kandji.io'],
    ['a US tenant on the Iru hosts', { subdomain: 'northwind', region: 'us' as const, hostFamily: 'iru' as const }, 'https://northwind.api.iru.com'],
    ['an EU tenant on the Iru hosts', { subdomain: 'northwind', region: 'eu' as const, hostFamily: 'iru' as const }, 'https://northwind.api.eu.iru.com'],
    ['an empty region as US', { subdomain: 'northwind', region: '' as const }, 'https://northwind.api.kandji.io'],
  ])('builds the host of %s', (_label, loc, expected) => {
    expect(kandjiBaseUrl(loc)).toBe(expected);
  });

  it.each([
    ['https://northwind.api.kandji.io/api/v1/', 'https://northwind.api.kandji.io'],
    ['https://northwind.api.eu.kandji.io/api', 'https://northwind.api.eu.kandji.io'],
    ['https://northwind.api.kandji.io/', 'https://northwind.api.kandji.io'],
    ['http://127.0.0.1:9100/kandji', 'http://127.0.0.1:9100/kandji'],
    ['http://127.0.0.1:9100/kandji/api/v1', 'http://127.0.0.1:9100/kandji'],
  ])('strips %s down to %s', (endpoint, expected) => {
    expect(kandjiBaseUrl({ endpoint, subdomain: 'ignored' })).toBe(expected);
  });

  it('refuses a location with neither endpoint nor subdomain', () => {
    expect(() => kandjiBaseUrl({ region: 'us' })).toThrow(/endpoint or a subdomain/);
  });
});

describe('parseKandjiSettings', () => {
  it('defaults to the US region and the kandji host family', () => {
    const s = parseKandjiSettings({ subdomain: 'northwind' });
    expect([s.region, s.host_family]).toEqual(['us', 'kandji']);
  });

  it('rejects a subdomain with a dot in it', () => {
    let caught: unknown;
    try {
      parseKandjiSettings({ subdomain: 'north.wind' });
    } catch (err) {
      caught = err;
    }
    expect(isConnectorError(caught, 'rejected')).toBe(true);
  });

  it('rejects a region Kandji does not have', () => {
    expect(() => parseKandjiSettings({ subdomain: 'northwind', region: 'apac' })).toThrow(/invalid Kandji settings/);
  });
});
