import type { AddressInfo } from 'node:net';
import express from 'express';
import { createLogger } from '@trustsync/core';
import { LocalRateGate, MemoryTokenCache, VENDORS, type Connector, type StreamSpec } from '@trustsync/connectors';
import { startSandbox, type Sandbox } from '../../sandbox';

let sandbox: Sandbox;

function falcon(settings: Record<string, unknown> = {}): Connector {
  return VENDORS.crowdstrike.create({
    integration: { id: `INT-CS-${Math.random()}`, type: 'crowdstrike', endpoint: `${sandbox.url}/crowdstrike`, region: 'us-1', apiVersion: null, authType: 'oauth_client_credentials', settings },
    credentials: { client_id: 'sandbox-falcon-client', client_secret: 'sandbox-falcon-secret' },
    gate: new LocalRateGate({ requests: 100_000, periodSeconds: 1 }),
    logger: createLogger({ service: 'test', silent: true }),
    tokenCache: new MemoryTokenCache(),
    now: () => new Date(),
  });
}

const admin = (path: string, body: unknown = {}) => fetch(`${sandbox.url}/_sandbox/crowdstrike${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const hosts = (c: Connector) => c.streams({ syncType: 'devices', since: null })[0];
const stats = () => sandbox.vendors.crowdstrike!.traffic.stats;

/** Drains a stream; returns distinct ids, hidden count, and runs `afterFirstPage` once. */
async function drain(spec: StreamSpec, afterFirstPage?: () => Promise<unknown>): Promise<{ unique: number; total: number; removed: number }> {
  const ids = new Set<string>();
  let total = 0;
  let removed = 0;
  let first = true;
  for await (const page of spec.pages(null)) {
    for (const r of page.records) {
      ids.add(r.externalId);
      total++;
      if ((r as { status?: string }).status === 'removed') removed++;
    }
    if (first && afterFirstPage) await afterFirstPage();
    first = false;
  }
  return { unique: ids.size, total, removed };
}

beforeAll(async () => {
  sandbox = await startSandbox({ people: 5000, crowdstrike: { devices: 12_000, containmentDelayMs: 200 } });
});
afterAll(() => sandbox.close());
afterEach(async () => {
  sandbox.vendors.crowdstrike!.traffic.reset();
  await admin('/region', { region: 'us-1' });
});

describe('crowdstrike sandbox with the falcon connector', () => {
  it('syncs all 12,000 hosts past the 10,000 offset ceiling, hidden ones reported as removed', async () => {
    expect(await drain(hosts(falcon()))).toEqual({ unique: 12_000, total: 12_000, removed: 48 });
  });

  it('asks for host details in batches of at most 100 ids', async () => {
    await drain(hosts(falcon()));
    // 11,952 visible hosts in 120 scroll pages, 48 hidden in one hidden page.
    expect(stats().byPath['GET /crowdstrike/devices/entities/devices/v2']).toBe(121);
  });

  it('lists every prevention policy and every alert of the lookback window', async () => {
    const c = falcon();
    const [policies, alerts] = [c.streams({ syncType: 'policies', since: null })[0], c.streams({ syncType: 'detections', since: null })[0]];
    expect([(await drain(policies)).total, (await drain(alerts)).total]).toEqual([4, 60]);
  });

  it('pages alerts with after tokens and restarts from the watermark when they expire', async () => {
    const result = await drain(falcon({ alertPageSize: 10 }).streams({ syncType: 'detections', since: null })[0], () => admin('/expire-cursors'));
    expect(result.unique).toBe(60);
  });

  it('refreshes the token once when it expires in the middle of a sync', async () => {
    const result = await drain(hosts(falcon()), () => admin('/expire-tokens'));
    expect({ unique: result.unique, unauthorized: stats().unauthorized, tokens: stats().byPath['POST /crowdstrike/oauth2/token'] }).toEqual({ unique: 12_000, unauthorized: 1, tokens: 2 });
  });

  it('restarts the scroll when its token expires and still yields every host once', async () => {
    const result = await drain(hosts(falcon()), () => admin('/expire-cursors'));
    // 120 scroll pages, one call refused as expired, then the first page read again while skipping.
    expect({ unique: result.unique, total: result.total, scrollCalls: stats().byPath['GET /crowdstrike/devices/queries/devices-scroll/v1'] }).toEqual({ unique: 12_000, total: 12_000, scrollCalls: 122 });
  });

  it('rides out a 429 storm and finishes with exact counts', async () => {
    sandbox.vendors.crowdstrike!.traffic.faults = { rateLimitStorm: 2 };
    const result = await drain(hosts(falcon()));
    expect({ unique: result.unique, injected: stats().injected429 }).toEqual({ unique: 12_000, injected: 2 });
  });

  it('follows a region redirect once and then calls the new cloud directly', async () => {
    await admin('/region', { region: 'us-2' });
    const before = (sandbox.vendors.crowdstrike!.describe() as { redirects: number }).redirects;
    const result = await drain(hosts(falcon()));
    const after = (sandbox.vendors.crowdstrike!.describe() as { redirects: number }).redirects;
    expect({ unique: result.unique, redirects: after - before }).toEqual({ unique: 12_000, redirects: 1 });
  });

  it('contains a host and reports contained once the sandbox moves it past containment_pending', async () => {
    const c = falcon();
    const [first] = (await hosts(c).pages(null)[Symbol.asyncIterator]().next()).value.records as Array<{ externalId: string }>;
    const sent = await c.runCommand!(first.externalId, { command: 'contain', params: {} });
    const pending = await c.commandStatus!(first.externalId, sent.vendorReference!);
    await new Promise((r) => setTimeout(r, 250));
    const settled = await c.commandStatus!(first.externalId, sent.vendorReference!);
    expect([sent.status, pending.detail?.containmentStatus, settled.status, settled.detail?.containmentStatus]).toEqual(['pending', 'containment_pending', 'completed', 'contained']);
  });

  it('sends a signed Fusion webhook that the crowdstrike scheme verifies', async () => {
    const app = express();
    app.post('/hook', express.raw({ type: '*/*' }), (req, res) => {
      const verdict = VENDORS.crowdstrike.webhooks!.verify({ method: 'POST', headers: req.headers as Record<string, string>, query: {}, rawBody: req.body as Buffer }, 'a-secret-of-at-least-thirty-two-characters', {}, new Date());
      res.status(verdict.ok ? 200 : 401).end();
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const sent = (await (await admin('/webhooks/send', { url, secret: 'a-secret-of-at-least-thirty-two-characters' })).json()) as { status: number };
    server.close();
    expect(sent.status).toBe(200);
  });
});
