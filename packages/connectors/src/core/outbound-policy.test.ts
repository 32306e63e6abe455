import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createLogger } from '@trustsync/core';
import { fixture } from '@trustsync/testing';
import { CrowdStrikeConnector } from '../crowdstrike/connector';
import { createVendorHttp } from './http-client';
import { LocalRateGate } from './rate-gate';
import { MemoryTokenCache } from './memory-token-cache';
import { guardedLookup, hostMatches, isPrivateAddress, outboundUrlProblem, type OutboundGuard } from './outbound-policy';

const OKTA: OutboundGuard = { allowPrivate: false, allowedHosts: [], vendorHosts: ['*.okta.com'] };

describe('outbound URL policy (production defaults)', () => {
  it.each([
    ['http://acme.okta.com', 'must use https'],
    ['https://127.0.0.1', 'loopback or private'],
    ['https://localhost:8443', 'loopback or private'],
    ['https://10.1.2.3', 'loopback or private'],
    ['https://172.16.0.1', 'loopback or private'],
    ['https://192.168.1.10', 'loopback or private'],
    ['https://169.254.169.254/latest/meta-data', 'loopback or private'],
    ['https://100.64.0.1', 'loopback or private'],
    ['https://0.0.0.0', 'loopback or private'],
    ['https://[::1]', 'loopback or private'],
    ['https://[fd00::1]', 'loopback or private'],
    ['https://[fe80::1]', 'loopback or private'],
    ['https://[::ffff:127.0.0.1]', 'loopback or private'],
    ['https://[::7f00:1]', 'loopback or private'],
    ['https://[2002:7f00:1::]', 'loopback or private'],
    ['https://[fec0::1]', 'loopback or private'],
    ['https://[100::1]', 'loopback or private'],
    ['https://evilokta.com', 'not a known host'],
    ['https://okta.com.attacker.net', 'not a known host'],
    ['https://8.8.8.8', 'not a known host'],
    ['https://user:pass@acme.okta.com', 'credentials in the URL'],
    ['not a url', 'not a valid URL'],
  ])('refuses %s', (url, why) => {
    expect(outboundUrlProblem(url, OKTA)).toContain(why);
  });

  it('allows the vendor host and hosts the operator allow-listed', () => {
    expect(outboundUrlProblem('https://acme.okta.com/api/v1/users', OKTA)).toBeUndefined();
    expect(outboundUrlProblem('https://login.acme.example', { ...OKTA, allowedHosts: ['login.acme.example'] })).toBeUndefined();
  });

  it('allows anything in development (the sandbox on loopback over http)', () => {
    expect(outboundUrlProblem('http://127.0.0.1:9100', { ...OKTA, allowPrivate: true })).toBeUndefined();
  });

  it('matches wildcard patterns on a label boundary only', () => {
    expect([hostMatches('a.b.okta.com', '*.okta.com'), hostMatches('okta.com', '*.okta.com'), hostMatches('xokta.com', '*.okta.com')]).toEqual([true, false, false]);
  });

  it('knows public addresses from private ones', () => {
    expect(['1.1.1.1', '172.32.0.1', '2606:4700::1111'].map(isPrivateAddress)).toEqual([false, false, false]);
  });
});

describe('DNS answers', () => {
  it('refuses a name that resolves to a private address before a socket opens', async () => {
    // This machine's own name resolves to loopback (or a private address); `localhost` where it does not resolve.
    const name = await lookup(hostname()).then((a) => (isPrivateAddress(a.address) ? hostname() : 'localhost'), () => 'localhost');
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => guardedLookup(name, {}, (e) => resolve(e)));
    expect(err?.code).toBe('EPRIVATEADDR');
  });

  it('turns a private DNS answer into a rejected call, not a retried network error', async () => {
    const name = hostname();
    const resolved = await lookup(name).catch(() => null);
    if (!resolved || !isPrivateAddress(resolved.address)) return; // nothing on this machine to resolve privately
    let attempts = 0;
    const client = createVendorHttp({
      vendor: 'okta', baseURL: `https://${name}:9`, gate: new LocalRateGate({ requests: 100, periodSeconds: 1 }), retries: 3,
      outbound: { allowPrivate: false, allowedHosts: [name], vendorHosts: [] },
    });
    client.interceptors.request.use((c) => (attempts++, c));
    await expect(client.get('/api/v1/users')).rejects.toMatchObject({ kind: 'rejected' });
    expect(attempts).toBe(1);
  });
});

describe('redirects', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  it('refuses a Falcon redirect to a host outside CrowdStrike and never calls it', async () => {
    let evilCalls = 0;
    server.use(
      http.post('https://api.crowdstrike.com/oauth2/token', () => HttpResponse.json(fixture('crowdstrike', 'oauth2-token.json'), { status: 201 })),
      http.get('https://api.crowdstrike.com/devices/queries/devices/v1', () => new HttpResponse(null, { status: 308, headers: { Location: 'https://collector.attacker.example/devices/queries/devices/v1' } })),
      http.get('https://collector.attacker.example/*', () => (evilCalls++, HttpResponse.json({}))),
    );
    const connector = new CrowdStrikeConnector({
      integration: { id: 'INT-CS', type: 'crowdstrike', endpoint: null, region: 'us-1', apiVersion: null, authType: 'oauth2', settings: {} },
      credentials: { client_id: 'cid', client_secret: 'secret' },
      gate: new LocalRateGate({ requests: 100, periodSeconds: 1 }),
      logger: createLogger({ service: 'test', silent: true }),
      tokenCache: new MemoryTokenCache(),
      now: () => new Date(),
      outbound: { allowPrivate: false, allowedHosts: [] },
    });
    await expect(connector.testConnection()).rejects.toMatchObject({ kind: 'rejected' });
    expect(evilCalls).toBe(0);
  });
});
