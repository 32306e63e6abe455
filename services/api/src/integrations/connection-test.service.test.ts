import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { ConnectorError, VENDORS, type VendorModule } from '@trustsync/connectors';
import { fixture } from '@trustsync/testing';
import { kandjiExample, startApiHarness, type ApiHarness } from '../testing/api-harness';

const GOOD_TOKEN = 'kandji-good-token-4f9e2a7c1b';
const BAD_TOKEN = 'kandji-revoked-token-8d3b6e0a2f';

// Answers like Kandji's GET /api/v1/devices: the fixture page for the good token, 401 otherwise.
function startKandjiStub(): Promise<Server> {
  const stub = express();
  stub.get('/api/v1/devices', (req, res) => {
    if (req.get('authorization') === `Bearer ${GOOD_TOKEN}`) res.json(fixture<unknown[]>('kandji', 'devices_page1.json').slice(0, Number(req.query.limit ?? 300)));
    else res.status(401).json({ detail: 'Incorrect authentication credentials.' });
  });
  return new Promise((resolve) => {
    const s = stub.listen(0, '127.0.0.1', () => resolve(s));
  });
}

const unavailableVendor: VendorModule = {
  ...VENDORS.kandji,
  create: () => {
    throw new ConnectorError('unsupported', 'kandji', 'the Kandji connector is not available yet');
  },
};

let stub: Server;
let stubUrl: string;

beforeAll(async () => {
  stub = await startKandjiStub();
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => stub.close(() => resolve()));
});

describe('testing an integration\'s connection with the real Kandji connector', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApiHarness('apiconntest');
  });

  afterAll(async () => {
    await api.close();
  });

  afterEach(async () => {
    await api.db.dataSource.query('DELETE FROM integrations');
  });

  async function create(token: string): Promise<string> {
    const res = await api.call('POST', '/api/v1/integrations', kandjiExample(stubUrl, token));
    expect(res.status).toBe(201);
    return res.body.id;
  }

  it('answers success and records healthy for a token Kandji accepts', async () => {
    const id = await create(GOOD_TOKEN);
    const res = await api.call('POST', `/api/v1/integrations/${id}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, health_status: 'healthy' });
    const got = await api.call('GET', `/api/v1/integrations/${id}`);
    expect(got.body.health_status).toBe('healthy');
    expect(got.body.last_health_check).not.toBeNull();
  });

  it('answers 200 with success false and records unhealthy with a 401 reason for a rejected token', async () => {
    const id = await create(BAD_TOKEN);
    const res = await api.call('POST', `/api/v1/integrations/${id}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: false, health_status: 'unhealthy', details: { kind: 'auth', status: 401 } });
    const got = await api.call('GET', `/api/v1/integrations/${id}`);
    expect(got.body.health_reason).toMatch(/^401 from kandji at \d{4}-\d\d-\d\dT\d\d:\d\dZ: credentials rejected/);
  });

  it('never puts the token in the test answer or the recorded reason', async () => {
    const id = await create(BAD_TOKEN);
    const res = await api.call('POST', `/api/v1/integrations/${id}/test`);
    const got = await api.call('GET', `/api/v1/integrations/${id}`);
    expect(res.text).not.toContain(BAD_TOKEN);
    expect(got.text).not.toContain(BAD_TOKEN);
  });

  it('answers success false with a transient reason when the vendor cannot be reached', async () => {
    const res = await api.call('POST', '/api/v1/integrations', kandjiExample('http://127.0.0.1:1', GOOD_TOKEN));
    const answer = await api.call('POST', `/api/v1/integrations/${res.body.id}/test`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ success: false, health_status: 'unhealthy', details: { kind: 'transient' } });
  });
});

describe('testing a connection when the vendor has no connector', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApiHarness('apiconnunsup', { vendors: { ...VENDORS, kandji: unavailableVendor } });
  });

  afterAll(async () => {
    await api.close();
  });

  it('answers 200 with success false and an unsupported reason instead of a 500', async () => {
    const created = await api.call('POST', '/api/v1/integrations', kandjiExample(stubUrl, GOOD_TOKEN));
    const res = await api.call('POST', `/api/v1/integrations/${created.body.id}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: false, health_status: 'unhealthy', details: { kind: 'unsupported' } });
  });
});
