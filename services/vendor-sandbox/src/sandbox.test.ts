import type { AddressInfo } from 'node:net';
import express from 'express';
import { createLogger } from '@trustsync/core';
import { LocalRateGate, MemoryTokenCache, VENDORS, type Connector, type WebhookDelivery } from '@trustsync/connectors';
import type { IntegrationType } from '@trustsync/model';
import { startSandbox, type Sandbox, type SandboxConfig } from './sandbox';

// Small tenants of every vendor: enough records of each kind, quick to page through twice.
const CONFIG: SandboxConfig = { seed: 'determinism', people: 120, kandji: { devices: 60 }, crowdstrike: { devices: 80 }, okta: { devices: 40 }, zscaler: { devices: 60 }, seraphic: { devices: 60 } };

const CREDENTIALS: Record<IntegrationType, { authType: string; credentials: Record<string, string>; settings?: (url: string) => Record<string, unknown> }> = {
  kandji: { authType: 'bearer', credentials: { api_key: 'sandbox-kandji-token' } },
  crowdstrike: { authType: 'oauth2', credentials: { client_id: 'sandbox-falcon-client', client_secret: 'sandbox-falcon-secret' } },
  okta: { authType: 'api_key', credentials: { api_key: 'sandbox-okta-api-token' } },
  zscaler: {
    authType: 'api_key',
    credentials: {
      api_key: 'SbxZiaApiKey0123456789',
      client_id: 'api-admin@example.com',
      client_secret: 'sandbox-zia-password',
      zpa_client_id: 'sandbox-zpa-client',
      zpa_client_secret: 'sandbox-zpa-secret',
      zcc_api_key: 'sandbox-zcc-key',
      zcc_secret_key: 'sandbox-zcc-secret',
    },
    settings: (url) => ({ zpaBaseUrl: `${url}/zscaler`, zccBaseUrl: `${url}/zscaler`, zpaCustomerId: '216196257331281920' }),
  },
  seraphic: { authType: 'api_key', credentials: { api_key: 'sandbox-seraphic-key' } },
};

const TYPES = Object.keys(CREDENTIALS) as IntegrationType[];

function connector(sb: Sandbox, type: IntegrationType): Connector {
  const c = CREDENTIALS[type];
  return VENDORS[type].create({
    integration: { id: `INT-DET-${type}`, type, endpoint: `${sb.url}/${type}`, region: type === 'crowdstrike' ? 'us-1' : null, apiVersion: null, authType: c.authType, settings: c.settings?.(sb.url) ?? {} },
    credentials: c.credentials,
    gate: new LocalRateGate({ requests: 100_000, periodSeconds: 1 }),
    logger: createLogger({ service: 'test', silent: true }),
    tokenCache: new MemoryTokenCache(),
    now: () => new Date(),
  });
}

/** Every record a full sync of `type` reads, per stream, with the sandbox's address taken out. */
async function fullSync(sb: Sandbox, type: IntegrationType): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const stream of connector(sb, type).streams({ syncType: 'full', since: null })) {
    const records: unknown[] = [];
    for await (const page of stream.pages(null)) records.push(...page.records);
    out[stream.name] = JSON.parse(JSON.stringify(records).split(sb.url).join('<sandbox>'));
  }
  return out;
}

/** What the sandbox's webhook sender delivers for `body`, as the vendor's parser reads it. */
async function delivered(sb: Sandbox, type: IntegrationType, body: Record<string, unknown>) {
  let got: WebhookDelivery | undefined;
  const sink = express();
  sink.post('/hook', express.raw({ type: '*/*' }), (req, res) => {
    got = { method: 'POST', headers: req.headers as Record<string, string | undefined>, query: {}, rawBody: req.body as Buffer };
    res.status(202).json({});
  });
  const server = sink.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  await fetch(`${sb.url}/_sandbox/${type}/webhooks/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, secret: 'a-secret-of-at-least-thirty-two-characters', ...body }),
  });
  server.close();
  if (!got) throw new Error(`no ${type} delivery`);
  return VENDORS[type].webhooks!.parse(JSON.parse(got.rawBody.toString('utf8'))).map((e) => ({ externalEventId: e.externalEventId, eventTime: e.eventTime }));
}

let first: Sandbox;
let second: Sandbox;
beforeAll(async () => {
  first = await startSandbox(CONFIG);
  // A restart: the second instance starts later, so anything generated from its start time would differ.
  await new Promise((r) => setTimeout(r, 1100));
  second = await startSandbox(CONFIG);
});
afterAll(async () => {
  await first?.close();
  await second?.close();
});

describe('two sandboxes started with the same seed', () => {
  it.each(TYPES)('serve identical %s records to a full sync', async (type) => {
    const [a, b] = [await fullSync(first, type), await fullSync(second, type)];
    expect(Object.values(a).every((records) => records.length > 0)).toBe(true);
    expect(b).toEqual(a);
  });

  it.each([
    ['crowdstrike', { alertIndex: 2 }],
    ['seraphic', { kind: 'threat.detected', index: 1 }],
    ['seraphic', { kind: 'dlp.violation', index: 0 }],
    ['seraphic', { kind: 'endpoint.offline', index: 5 }],
    ['okta', { kind: 'event', userIndex: 3 }],
  ] as Array<[IntegrationType, Record<string, unknown>]>)('deliver the same %s webhook event %j with the same event id and time', async (type, body) => {
    const [a, b] = [await delivered(first, type, body), await delivered(second, type, body)];
    expect(a[0].externalEventId).toBeTruthy();
    expect(b).toEqual(a);
  });
});

describe('a Falcon detection the tenant does not list yet', () => {
  it('happens at its first delivery, and a second send re-delivers the same workflow run', async () => {
    const sentAfterMs = Date.now();
    const [a, b] = [await delivered(first, 'crowdstrike', { alertIndex: 60 }), await delivered(first, 'crowdstrike', { alertIndex: 60 })];
    expect(b).toEqual(a);
    expect(Date.parse(a[0].eventTime!)).toBeGreaterThanOrEqual(Math.floor(sentAfterMs / 1000) * 1000);
  });
});
