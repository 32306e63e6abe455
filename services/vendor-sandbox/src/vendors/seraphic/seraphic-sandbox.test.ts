import express from 'express';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { createLogger } from '@trustsync/core';
import { LocalRateGate, MemoryTokenCache, VENDORS, type Connector, type ConnectorContext, type StreamSpec, type WebhookDelivery } from '@trustsync/connectors';
import { Fleet } from '../../fleet';
import { startSandbox, type Sandbox } from '../../sandbox';
import { DEFAULT_SERAPHIC_API_KEY } from './index';

const ENDPOINTS = 3000;
const PEOPLE = 2000;
// The newest detection a minute ago, so the Sentinel feed's lookback from now finds recent alerts.
const ANCHOR_MS = Date.now() - 60_000;

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ people: PEOPLE, anchorMs: ANCHOR_MS, seraphic: { devices: ENDPOINTS, detections: 750, dlpViolations: 300 } });
});
afterAll(() => sb.close());

const admin = (path: string, body?: unknown) => (body === undefined ? axios.get(`${sb.url}/_sandbox/seraphic${path}`) : axios.post(`${sb.url}/_sandbox/seraphic${path}`, body)).then((r) => r.data);

function connector(settings: Record<string, unknown> = {}): Connector {
  const ctx: ConnectorContext = {
    integration: { id: 'INT_seraphic1', type: 'seraphic', endpoint: `${sb.url}/seraphic`, region: null, apiVersion: null, authType: 'api_key', settings: { maxRetryWaitSeconds: 5, ...settings } },
    credentials: { api_key: DEFAULT_SERAPHIC_API_KEY },
    gate: new LocalRateGate({ requests: 10_000, periodSeconds: 1 }),
    logger: createLogger({ service: 'test', silent: true }),
    tokenCache: new MemoryTokenCache(),
    now: () => new Date(),
  };
  return VENDORS.seraphic.create(ctx);
}

async function records(spec: StreamSpec): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for await (const page of spec.pages(null)) out.push(...(page.records as unknown as Array<Record<string, unknown>>));
  return out;
}

/** Receives one delivery from the sandbox's webhook sender, raw body kept. */
async function deliver(body: Record<string, unknown>): Promise<WebhookDelivery> {
  let got: WebhookDelivery | undefined;
  const sink = express();
  sink.post('/hook', express.raw({ type: '*/*' }), (req, res) => {
    got = { method: 'POST', headers: req.headers as Record<string, string | undefined>, query: {}, rawBody: req.body as Buffer };
    res.status(202).end();
  });
  const server = sink.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  await admin('/webhooks/send', { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, ...body });
  server.close();
  if (!got) throw new Error('no delivery');
  return got;
}

describe('Seraphic sandbox with the real connector', () => {
  it('lists every record of a full sync with exact counts', async () => {
    const counts: Record<string, number> = {};
    for (const s of connector().streams({ syncType: 'full', since: null })) counts[s.name] = (await records(s)).length;
    expect(counts).toEqual({ 'seraphic-endpoints': ENDPOINTS, 'seraphic-users': PEOPLE, 'seraphic-policies': 4, 'seraphic-detections': 750, 'seraphic-dlp-violations': 300 });
  });

  it('gives every user of the tenant its own id', async () => {
    const users = await records(connector().streams({ syncType: 'users', since: null })[0]);
    expect(new Set(users.map((u) => u.externalId)).size).toBe(PEOPLE);
  });

  it('gives endpoints the fleet serials, except the ones Seraphic reports without one', async () => {
    const first = await connector().streams({ syncType: 'devices', since: null })[0].pages(null)[Symbol.asyncIterator]().next();
    const got = (first.value!.records as Array<{ serialNumber: string | null }>).slice(38, 40).map((r) => r.serialNumber);
    expect(got).toEqual([new Fleet('northwind').device(38, PEOPLE).serial, null]);
  });

  it('refuses the API key in a header the tenant does not use', async () => {
    await expect(records(connector({ apiKeyHeader: 'X-Seraphic-API-Key' }).streams({ syncType: 'policies', since: null })[0])).rejects.toMatchObject({ kind: 'auth' });
  });

  it('reads only detections since the last sync on an incremental sync', async () => {
    const since = new Date(ANCHOR_MS - 9.5 * 60_000);
    const stream = connector().streams({ syncType: 'incremental', since }).find((s) => s.name === 'seraphic-detections')!;
    expect((await records(stream)).length).toBe(10);
  });

  it('polls Alerts from the Sentinel-style feed', async () => {
    const c = connector({ eventsUrl: `${sb.url}/seraphic/integrations/sentinel/feed`, eventsLookbackMinutes: 10 });
    const feed = c.streams({ syncType: 'detections', since: null }).find((s) => s.name === 'seraphic-events-feed')!;
    const got = await records(feed);
    expect(got.length >= 8 && got.every((r) => String(r.externalId).startsWith('feed:alr_'))).toBe(true);
  });

  it('records a compliance push for one endpoint and moves it to the high-risk policy', async () => {
    const endpoint = await admin('/endpoints/5');
    const result = await connector().pushCompliance!(endpoint.endpointId, { isCompliant: false, complianceScore: 20, violations: ['filevault_disabled'] });
    const pushed = (await admin('/pushes')).at(-1);
    expect([result.summary.appliedPolicyId, pushed.endpointId, pushed.body.compliant, (await admin('/endpoints/5')).policyId]).toEqual(['pol_high_risk', endpoint.endpointId, false, 'pol_high_risk']);
  });

  it('backs off on a 429 storm and still lists every policy', async () => {
    await admin('/faults', { rateLimitStorm: 1, retryAfter: '1' });
    expect((await records(connector().streams({ syncType: 'policies', since: null })[0])).length).toBe(4);
  });

  it('sends a signed threat webhook that verifies', async () => {
    const d = await deliver({ secret: 'whsec_sbx', kind: 'threat.detected', index: 3 });
    expect(VENDORS.seraphic.webhooks!.verify(d, 'whsec_sbx', {}, new Date())).toEqual({ ok: true });
  });

  it('fails a delivered DLP webhook once its body is tampered with', async () => {
    const d = await deliver({ secret: 'whsec_sbx', kind: 'dlp.violation' });
    const tampered = { ...d, rawBody: Buffer.from(d.rawBody.toString().replace('blocked', 'allowed')) };
    expect(VENDORS.seraphic.webhooks!.verify(tampered, 'whsec_sbx', {}, new Date())).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('fails a delivery signed ten minutes ago', async () => {
    const d = await deliver({ secret: 'whsec_sbx', timestampSkewSeconds: 600 });
    expect(VENDORS.seraphic.webhooks!.verify(d, 'whsec_sbx', {}, new Date()).ok).toBe(false);
  });
});
