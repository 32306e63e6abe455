import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createLogger } from '@trustsync/core';
import { fixture } from '@trustsync/testing';
import { LocalRateGate, MemoryTokenCache, type ConnectorContext, type StreamSpec } from '../core';
import { SeraphicConnector } from './connector';

const BASE = 'https://tenant.seraphic.test';
const API = `${BASE}/api/v1`;
const FEED = 'https://constellation.example-tenant.seraphic.invalid/integrations/sentinel/feed';
const NOW = new Date('2025-05-20T09:10:00Z');

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function connector(settings: Record<string, unknown> = {}): SeraphicConnector {
  const ctx: ConnectorContext = {
    integration: { id: 'INT_s1', type: 'seraphic', endpoint: BASE, region: null, apiVersion: null, authType: 'api_key', settings },
    credentials: { api_key: 'seraphic-key-1' },
    gate: new LocalRateGate({ requests: 1000, periodSeconds: 1 }),
    logger: createLogger({ service: 'test', silent: true }),
    tokenCache: new MemoryTokenCache(),
    now: () => NOW,
  };
  return new SeraphicConnector(ctx);
}

function named(c: SeraphicConnector, name: string, syncType: 'full' | 'incremental' = 'full', since: Date | null = null): StreamSpec {
  const s = c.streams({ syncType, since }).find((x) => x.name === name);
  if (!s) throw new Error(`no stream ${name}`);
  return s;
}

async function drain(spec: StreamSpec, cursor: string | null = null): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const page of spec.pages(cursor)) out.push(...page.records);
  return out;
}

function endpointPages(): { keys: Array<string | null>; cursors: Array<string | null> } {
  const state = { keys: [] as Array<string | null>, cursors: [] as Array<string | null> };
  server.use(
    http.get(`${API}/endpoints`, ({ request }) => {
      state.keys.push(request.headers.get('x-api-key') ?? request.headers.get('x-seraphic-api-key'));
      const cursor = new URL(request.url).searchParams.get('cursor');
      state.cursors.push(cursor);
      return HttpResponse.json(fixture('seraphic', cursor ? 'proposed_endpoints_page2.json' : 'proposed_endpoints_page1.json'));
    }),
  );
  return state;
}

describe('Seraphic connector', () => {
  it('follows nextCursor until hasMore is false and yields every endpoint', async () => {
    const state = endpointPages();
    const records = await drain(named(connector(), 'seraphic-endpoints'));
    expect([records.length, state.cursors]).toEqual([3, [null, 'Y3Vyc29yOmVwXzkxYWI0NGQw']]);
  });

  it('sends the key in x-api-key by default', async () => {
    const state = endpointPages();
    await drain(named(connector(), 'seraphic-endpoints'));
    expect(state.keys[0]).toBe('seraphic-key-1');
  });

  it('sends the key in the header the settings name', async () => {
    let header: string | null = null;
    server.use(
      http.get(`${API}/endpoints`, ({ request }) => {
        header = request.headers.get('x-seraphic-api-key');
        return HttpResponse.json(fixture('seraphic', 'proposed_endpoints_page2.json'));
      }),
    );
    await drain(named(connector({ apiKeyHeader: 'X-Seraphic-API-Key' }), 'seraphic-endpoints'));
    expect(header).toBe('seraphic-key-1');
  });

  it('resumes from a saved vendor cursor', async () => {
    const state = endpointPages();
    const records = await drain(named(connector(), 'seraphic-endpoints'), 'Y3Vyc29yOmVwXzkxYWI0NGQw');
    expect([records.length, state.cursors]).toEqual([1, ['Y3Vyc29yOmVwXzkxYWI0NGQw']]);
  });

  it('asks for detections since the last sync on an incremental sync', async () => {
    let window: string | null = null;
    server.use(
      http.get(`${API}/detections`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        window = `${q.get('from')}..${q.get('to')}`;
        return HttpResponse.json(fixture('seraphic', 'proposed_detections.json'));
      }),
    );
    const records = await drain(named(connector(), 'seraphic-detections', 'incremental', new Date('2025-05-20T09:00:00Z')));
    expect([records.length, window]).toEqual([2, '2025-05-20T09:00:00Z..2025-05-20T09:10:00Z']);
  });

  it('polls the events feed in 5-minute windows and keeps only Alerts', async () => {
    const windows: string[] = [];
    server.use(
      http.get(FEED, ({ request }) => {
        const q = new URL(request.url).searchParams;
        windows.push(`${q.get('from')}..${q.get('to')}`);
        return HttpResponse.json(windows.length === 1 ? fixture<{ response_body: unknown[] }>('seraphic', 'sentinel_poll_events.json').response_body : []);
      }),
    );
    const records = await drain(named(connector({ eventsUrl: FEED }), 'seraphic-events-feed', 'incremental', new Date('2025-05-20T09:00:00Z')));
    expect([records.length, windows]).toEqual([1, ['2025-05-20T09:00:00Z..2025-05-20T09:05:00Z', '2025-05-20T09:05:00Z..2025-05-20T09:10:00Z']]);
  });

  it('declares detection streams incomplete and lists complete', () => {
    const streams = connector({ eventsUrl: FEED }).streams({ syncType: 'full', since: null });
    expect(streams.map((s) => `${s.name}:${s.complete}`)).toEqual(['seraphic-endpoints:true', 'seraphic-users:true', 'seraphic-policies:true', 'seraphic-detections:false', 'seraphic-dlp-violations:false', 'seraphic-events-feed:false']);
  });

  it('pushes a risk score in the proposed body and records what was applied', async () => {
    let body: unknown;
    server.use(
      http.post(`${API}/endpoints/ep_91ab44d0/risk`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(fixture('seraphic', 'proposed_push_risk_response.json'));
      }),
    );
    const result = await connector().pushRiskScore('ep_91ab44d0', { totalRiskScore: 82, riskLevel: 'high', riskFactors: ['filevault_disabled', 'zcc_quarantined'] });
    const expected = fixture<Record<string, unknown>>('seraphic', 'proposed_push_risk_request.json');
    expect([body, result.summary.appliedPolicyId]).toEqual([{ source: 'trustsync', riskScore: 82, riskLevel: 'high', reasons: expected.reasons, observedAt: '2025-05-20T09:10:00.000Z', ttlSeconds: 3600 }, 'pol_high_risk']);
  });

  it('pushes compliance as compliant plus the violations', async () => {
    let body: Record<string, unknown> = {};
    server.use(
      http.post(`${API}/endpoints/ep_91ab44d0/risk`, async ({ request }) => {
        body = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json(fixture('seraphic', 'proposed_push_risk_response.json'));
      }),
    );
    await connector().pushCompliance('ep_91ab44d0', { isCompliant: false, complianceScore: 40, violations: ['filevault_disabled'] });
    expect([body.compliant, body.complianceScore, body.reasons]).toEqual([false, 40, ['filevault_disabled']]);
  });

  it.each([
    ['the proposed 429', () => HttpResponse.json(fixture<{ body: unknown }>('seraphic', 'proposed_429.json').body, { status: 429, headers: { 'Retry-After': '90' } }), 'rate_limited'],
    ['a 401', () => HttpResponse.json({ error: 'unauthorized', message: 'invalid api key' }, { status: 401 }), 'auth'],
    ['a 403', () => HttpResponse.json({ error: 'forbidden' }, { status: 403 }), 'forbidden'],
    ['a 404', () => HttpResponse.json({ error: 'not_found' }, { status: 404 }), 'not_found'],
    ['a body that is not {data: [...]}', () => HttpResponse.json([]), 'invalid_response'],
  ])('maps %s to %s', async (_what, respond, kind) => {
    server.use(http.get(`${API}/endpoints`, respond));
    await expect(drain(named(connector({ maxRetryWaitSeconds: 5 }), 'seraphic-endpoints'))).rejects.toMatchObject({ kind });
  });
});
