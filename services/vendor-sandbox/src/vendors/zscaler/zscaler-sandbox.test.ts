import express from 'express';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { createLogger } from '@trustsync/core';
import { LocalRateGate, MemoryTokenCache, VENDORS, isConnectorError, type Connector, type ConnectorContext, type StreamSpec } from '@trustsync/connectors';
import { Fleet } from '../../fleet';
import { startSandbox, type Sandbox } from '../../sandbox';
import { DEFAULT_ZSCALER_CREDENTIALS as C } from './tenant';

const PEOPLE = 5000;
const DEVICES = 3000;

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ people: PEOPLE, zscaler: { devices: DEVICES, segments: 1200, accessRules: 650 } });
});
afterAll(() => sb.close());
afterEach(async () => {
  await axios.post(`${sb.url}/_sandbox/zscaler/reset-stats`);
  await axios.post(`${sb.url}/_sandbox/zscaler/zscaler-faults`, { editLock: 0, activationInProgressPolls: 0, zpaTotalPagesAs: 'string', expireSessionAfterRequests: -1 });
});

const admin = (path: string, body?: unknown) => (body === undefined ? axios.get(`${sb.url}/_sandbox/zscaler${path}`) : axios.post(`${sb.url}/_sandbox/zscaler${path}`, body)).then((r) => r.data);

function connector(settings: Record<string, unknown> = {}, oneApi = false): Connector {
  const base = `${sb.url}/zscaler`;
  const ctx: ConnectorContext = {
    integration: {
      id: `INT_${Math.random().toString(36).slice(2, 10)}`,
      type: 'zscaler',
      endpoint: base,
      region: null,
      apiVersion: null,
      authType: oneApi ? 'oneapi' : 'legacy',
      settings: oneApi
        ? { authGeneration: 'oneapi', tokenUrl: `${base}/oauth2/v1/token`, zpaCustomerId: C.zpaCustomerId, ...settings }
        : { zpaBaseUrl: base, zccBaseUrl: base, zpaCustomerId: C.zpaCustomerId, editLockBackoffMs: [50, 50, 50], activationPollMs: 20, ...settings },
    },
    credentials: oneApi
      ? { client_id: C.oneApiClientId, client_secret: C.oneApiClientSecret }
      : { api_key: C.ziaApiKey, client_id: C.ziaUsername, client_secret: C.ziaPassword, zpa_client_id: C.zpaClientId, zpa_client_secret: C.zpaClientSecret, zcc_api_key: C.zccApiKey, zcc_secret_key: C.zccSecretKey },
    gate: new LocalRateGate({ requests: 10_000, periodSeconds: 1, maxConcurrent: 16 }),
    logger: createLogger({ service: 'test', silent: true }),
    tokenCache: new MemoryTokenCache(),
    now: () => new Date(),
  };
  return VENDORS.zscaler.create(ctx);
}

async function count(spec: StreamSpec): Promise<{ records: Array<Record<string, unknown>>; pages: number }> {
  const records: Array<Record<string, unknown>> = [];
  let pages = 0;
  for await (const page of spec.pages(null)) {
    pages++;
    records.push(...(page.records as unknown as Array<Record<string, unknown>>));
  }
  return { records, pages };
}

const byName = (c: Connector, name: string): StreamSpec => c.streams({ syncType: 'full', since: null }).find((s) => s.name === name)!;

describe('Zscaler sandbox with the real connector', () => {
  it('lists every record of a full sync with exact counts', async () => {
    const c = connector();
    const counts: Record<string, number> = {};
    for (const s of c.streams({ syncType: 'full', since: null })) counts[s.name] = (await count(s)).records.length;
    const d = await admin('/describe');
    expect(counts).toEqual({
      'zcc-devices': DEVICES,
      'zia-users': PEOPLE,
      'zia-groups': d.groups,
      'zia-departments': d.departments,
      'zia-url-filtering-rules': 12,
      'zia-firewall-filtering-rules': 9,
      'zpa-application-segments': 1200,
      'zpa-access-rules': 650,
    });
  });

  it('gives each device the serial the shared fleet gives the same machine', async () => {
    const first = await byName(connector({ zccPageSize: 5 }), 'zcc-devices').pages(null)[Symbol.asyncIterator]().next();
    const records = (first.value?.records ?? []) as unknown as Array<Record<string, unknown>>;
    const fleet = new Fleet('northwind');
    expect(records.map((r) => r.serialNumber)).toEqual([0, 1, 2, 3, 4].map((i) => fleet.device(i, PEOPLE).serial));
  });

  it('reads the firewall filtering rules over pages, the default rule last, as policies', async () => {
    const { records, pages } = await count(byName(connector({ ziaPageSize: 4 }), 'zia-firewall-filtering-rules'));
    expect([pages, records.length, records.filter((r) => r.enabled === false).length, records.at(-1)?.name, (await admin('/describe')).firewallFilteringRules]).toEqual([3, 9, 1, 'Default Firewall Filtering Rule', 9]);
  });

  it('walks ZPA segments over three pages of 500', async () => {
    const { pages } = await count(byName(connector(), 'zpa-application-segments'));
    expect(pages).toBe(3);
  });

  it('reads every ZPA page when totalPages arrives as a number', async () => {
    await admin('/zscaler-faults', { zpaTotalPagesAs: 'number', zpaTotalCountZero: true });
    const { records } = await count(byName(connector(), 'zpa-access-rules'));
    await admin('/zscaler-faults', { zpaTotalCountZero: false });
    expect(records.length).toBe(650);
  });

  it('finishes the user sync when the ZIA session expires mid-sync, logging in once more', async () => {
    const before = (await admin('/logins')).zia;
    await admin('/zscaler-faults', { expireSessionAfterRequests: 4 });
    const { records } = await count(byName(connector(), 'zia-users'));
    expect([records.length, (await admin('/logins')).zia - before]).toEqual([PEOPLE, 2]);
  });

  it('renews the ZPA token when the sandbox expires it between pages', async () => {
    const spec = byName(connector(), 'zpa-application-segments');
    let total = 0;
    for await (const page of spec.pages(null)) {
      total += page.records.length;
      await admin('/tokens/expire', {});
    }
    expect(total).toBe(1200);
  });

  it('reads the same tenant through OneAPI', async () => {
    const c = connector({}, true);
    const { records } = await count(c.streams({ syncType: 'users', since: null })[0]);
    expect(records.length).toBe(PEOPLE);
  });

  it('quarantines the device user through an edit lock and activation, visible in the sandbox', async () => {
    const device = await admin('/devices/0');
    await admin('/zscaler-faults', { editLock: 1, activationInProgressPolls: 2 });
    const result = await connector().pushCompliance!(device.udid, { isCompliant: false, complianceScore: 30, violations: ['filevault_disabled'] });
    const pushes = await admin('/pushes');
    const last = pushes.activations.at(-1).changes[0];
    expect([result.summary.groupChange, result.summary.activation, last.email, last.groups.map((g: { name: string }) => g.name)]).toEqual(['added', 'active', device.user, expect.arrayContaining(['Quarantine-Risky-Devices'])]);
  });

  it('never activates anything during a read-only sync', async () => {
    const before = (await admin('/pushes')).activations.length;
    const c = connector({ products: ['zia'] });
    for (const s of c.streams({ syncType: 'full', since: null })) await count(s);
    expect((await admin('/pushes')).activations.length).toBe(before);
  });

  it('removes a device from Client Connector on the remove_device command', async () => {
    const device = await admin('/devices/10');
    const result = await connector().runCommand!(device.udid, { command: 'remove_device', params: {} });
    const removal = (await admin('/pushes')).removals.at(-1);
    expect([result.status, removal.udid, (await admin('/devices/10')).registrationState]).toEqual(['completed', device.udid, 'Remove pending']);
  });

  it('waits out a "0 seconds" 429 for at least a second, then succeeds', async () => {
    await admin('/faults', { rateLimitStorm: 1, retryAfter: '0 seconds' });
    const started = Date.now();
    const { records } = await count(byName(connector({ products: ['zia'] }), 'zia-url-filtering-rules'));
    expect([records.length, Date.now() - started >= 950]).toEqual([12, true]);
  });

  it('ends with a rate-limited error when the 429 asks for longer than the cap', async () => {
    await admin('/faults', { rateLimitStorm: 1, retryAfter: '13s' });
    const err = await count(byName(connector({ products: ['zia'], maxRetryWaitSeconds: 5 }), 'zia-url-filtering-rules')).catch((e: unknown) => e);
    expect(isConnectorError(err, 'rate_limited')).toBe(true);
  });

  it('sends an NSS feed delivery that the connector verifies', async () => {
    const received: Array<{ headers: Record<string, string | undefined>; body: Buffer }> = [];
    const sink = express();
    sink.post('/hook', express.raw({ type: '*/*' }), (req, res) => {
      received.push({ headers: req.headers as Record<string, string | undefined>, body: req.body as Buffer });
      res.status(202).end();
    });
    const server = sink.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    await admin('/webhooks/send', { url, secret: 'nss-secret-1', count: 2 });
    server.close();
    const delivery = { method: 'POST', headers: received[0].headers, query: {}, rawBody: received[0].body };
    const verdict = VENDORS.zscaler.webhooks!.verify(delivery, 'nss-secret-1', {}, new Date());
    expect([verdict, VENDORS.zscaler.webhooks!.parse(JSON.parse(received[0].body.toString())).length]).toEqual([{ ok: true }, 2]);
  });
});
