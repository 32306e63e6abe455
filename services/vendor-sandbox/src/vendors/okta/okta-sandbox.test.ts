import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createLogger } from '@trustsync/core';
import { LocalRateGate, MemoryTokenCache, VENDORS, type Connector, type Credentials, type StreamSpec } from '@trustsync/connectors';
import { startSandbox, type Sandbox } from '../../sandbox';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PUBLIC_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();

let sandbox: Sandbox;

function okta(credentials: Credentials, settings: Record<string, unknown> = {}): Connector {
  return VENDORS.okta.create({
    integration: { id: `INT-OKTA-${Math.random()}`, type: 'okta', endpoint: `${sandbox.url}/okta`, region: null, apiVersion: null, authType: 'api_token', settings },
    credentials,
    gate: new LocalRateGate({ requests: 100_000, periodSeconds: 1 }),
    logger: createLogger({ service: 'test', silent: true }),
    tokenCache: new MemoryTokenCache(),
    now: () => new Date(),
  });
}

const SSWS = { api_key: 'sandbox-okta-api-token' };
const OAUTH = { client_id: '0oasandboxSERVICEAPP', private_key: PRIVATE_PEM };

async function count(spec: StreamSpec, afterFirstPage?: () => Promise<void>): Promise<number> {
  let n = 0;
  let pages = 0;
  for await (const page of spec.pages(null)) {
    n += page.records.length;
    if (pages++ === 0 && afterFirstPage) await afterFirstPage();
  }
  return n;
}

const stream = (c: Connector, entity: string) => c.streams({ syncType: 'full', since: null }).find((s) => s.entity === entity)!;
const admin = (path: string, body: unknown = {}) => fetch(`${sandbox.url}/_sandbox/okta${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  sandbox = await startSandbox({ people: 5000, okta: { devices: 1200, clientPublicKey: PUBLIC_PEM, ssfPublicKey: PUBLIC_PEM, ssfIssuer: 'https://trustsync.example' } });
});
afterAll(() => sandbox.close());
afterEach(async () => {
  sandbox.vendors.okta!.traffic.reset();
  await admin('/link-format', { combined: false });
});

describe('okta sandbox with the okta connector', () => {
  it('lists all 5,000 users in a full sync, deprovisioned ones included', async () => {
    expect(await count(stream(okta(SSWS), 'user'))).toBe(5000);
  });

  it('hides deprovisioned users from the plain list exactly as describe() says', async () => {
    const res = await fetch(`${sandbox.url}/okta/api/v1/users?limit=200`, { headers: { Authorization: 'SSWS sandbox-okta-api-token' } });
    const d = sandbox.vendors.okta!.describe() as { deprovisioned: number; listedWithoutSearch: number };
    expect({ deprovisioned: d.deprovisioned, listed: d.listedWithoutSearch, firstPage: ((await res.json()) as unknown[]).length }).toEqual({ deprovisioned: 100, listed: 4900, firstPage: 200 });
  });

  it('attaches each user its department group', async () => {
    const spec = stream(okta(SSWS), 'user');
    for await (const page of spec.pages(null)) {
      const u = page.records[0] as { groups: string[]; department: string | null };
      expect(u.groups).toEqual([u.department]);
      break;
    }
  });

  it('lists every device, policy and device assurance', async () => {
    const c = okta(SSWS);
    expect([await count(stream(c, 'device')), await count(stream(c, 'policy'))]).toEqual([1200, 9]);
  });

  it('polls the System Log until an empty page and returns only the filtered authentication events', async () => {
    const c = okta(SSWS, { logLookbackHours: 24 });
    // 200 generated events over 200 minutes cycle through six types; the default filter keeps five of them.
    expect(await count(c.streams({ syncType: 'detections', since: null })[0])).toBe(167);
  });

  it('survives the OAuth token expiring in the middle of a sync', async () => {
    const n = await count(stream(okta(OAUTH, { groupMemberships: 'none' }), 'user'), async () => void (await admin('/expire-tokens')));
    expect({ n, unauthorized: sandbox.vendors.okta!.traffic.stats.unauthorized, tokenCalls: sandbox.vendors.okta!.traffic.stats.byPath['POST /okta/oauth2/v1/token'] }).toEqual({ n: 5000, unauthorized: 1, tokenCalls: 2 });
  });

  it('rides out a 429 storm and still lists every user', async () => {
    sandbox.vendors.okta!.traffic.faults = { rateLimitStorm: 2 };
    const n = await count(stream(okta(SSWS, { groupMemberships: 'none' }), 'user'));
    expect({ n, injected: sandbox.vendors.okta!.traffic.stats.injected429 }).toEqual({ n: 5000, injected: 2 });
  });

  it('treats a concurrency 429 as a short wait and finishes the sync', async () => {
    await admin('/concurrency-429', { count: 1 });
    expect(await count(stream(okta(SSWS, { groupMemberships: 'none' }), 'user'))).toBe(5000);
  });

  it('pages through a Link header sent as one comma-joined line', async () => {
    await admin('/link-format', { combined: true });
    expect(await count(stream(okta(SSWS, { groupMemberships: 'none' }), 'user'))).toBe(5000);
  });

  it('records the signed compliance signal and the suspension it pushed', async () => {
    const c = okta({ ...SSWS, ssf_private_key: PRIVATE_PEM }, { ssfIssuer: 'https://trustsync.example', suspendNonCompliantDevices: true });
    const [first] = (await stream(c, 'device').pages(null)[Symbol.asyncIterator]().next()).value.records as Array<{ externalId: string }>;
    const result = await c.pushCompliance!(first.externalId, { isCompliant: false, complianceScore: 10, violations: ['FileVault off'] });
    const pushed = (await (await fetch(`${sandbox.url}/_sandbox/okta/pushed`)).json()) as { securityEvents: Array<{ jti: string }>; lifecycle: Array<{ deviceId: string; action: string }> };
    expect({ jti: pushed.securityEvents.at(-1)?.jti, lifecycle: pushed.lifecycle.at(-1), summary: result.summary.deviceLifecycle }).toEqual({
      jti: result.vendorReference,
      lifecycle: { deviceId: first.externalId, action: 'suspend' },
      summary: 'suspended',
    });
  });

  it('sends an event hook verification challenge that the okta scheme answers', async () => {
    const app = express();
    app.get('/hook', (req, res) => {
      const answer = VENDORS.okta.webhooks!.challenge!({ method: 'GET', headers: req.headers as Record<string, string>, query: {}, rawBody: Buffer.alloc(0) }, 'hook-secret', {});
      res.status(answer!.status).json(answer!.body);
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const sent = (await (await admin('/webhooks/send', { url, secret: 'hook-secret', kind: 'verification' })).json()) as { verified: boolean };
    server.close();
    expect(sent.verified).toBe(true);
  });
});

describe('okta sandbox next to the kandji sandbox', () => {
  type OktaDevice = { id: string; profile: { serialNumber: string; platform: string; diskEncryptionType: string } };
  let both: Sandbox;
  beforeAll(async () => {
    both = await startSandbox({ people: 500, okta: { devices: 400 }, kandji: { devices: 400 } });
  });
  afterAll(() => both.close());

  it('reports the FileVault state Kandji reports for every Mac both know', async () => {
    const okta: OktaDevice[] = [];
    for (let page: OktaDevice[] = []; okta.length === 0 || page.length === 200; ) {
      const after = okta.length ? `&after=${okta.at(-1)!.id}` : '';
      page = (await (await fetch(`${both.url}/okta/api/v1/devices?limit=200${after}`, { headers: { Authorization: 'SSWS sandbox-okta-api-token' } })).json()) as OktaDevice[];
      okta.push(...page);
    }
    const fileVault = new Map<string, boolean>();
    for (const offset of [0, 300]) {
      const res = await fetch(`${both.url}/kandji/api/v1/prism/filevault?limit=300&offset=${offset}`, { headers: { Authorization: 'Bearer sandbox-kandji-token' } });
      for (const r of ((await res.json()) as { data: Array<{ serial_number: string; status: boolean }> }).data) fileVault.set(r.serial_number, r.status);
    }
    const macs = okta.filter((d) => d.profile.platform === 'MACOS');
    const disagree = macs.filter((d) => fileVault.get(d.profile.serialNumber) !== (d.profile.diskEncryptionType === 'ALL_INTERNAL_VOLUMES'));
    expect({ macs: macs.length, withoutFileVault: macs.some((d) => d.profile.diskEncryptionType === 'NONE'), disagree: disagree.length }).toEqual({ macs: fileVault.size, withoutFileVault: true, disagree: 0 });
  });
});
