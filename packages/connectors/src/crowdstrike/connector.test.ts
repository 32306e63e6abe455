import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createLogger } from '@trustsync/core';
import { fixture } from '@trustsync/testing';
import { ConnectorError, LocalRateGate, MemoryTokenCache, type ConnectorContext, type StreamSpec } from '../core';
import { CrowdStrikeConnector } from './connector';
import type { FalconEnvelope, FalconHost } from './falcon-types';

const US1 = 'https://api.crowdstrike.com';
const US2 = 'https://api.us-2.crowdstrike.com';
const server = setupServer();
const token = fixture<object>('crowdstrike', 'oauth2-token.json');
const entities = fixture<FalconEnvelope<FalconHost>>('crowdstrike', 'devices-entities-v2.json');

function connector(settings: Record<string, unknown> = {}): CrowdStrikeConnector {
  const ctx: ConnectorContext = {
    integration: { id: 'INT-CS', type: 'crowdstrike', endpoint: null, region: 'us-1', apiVersion: null, authType: 'oauth_client_credentials', settings },
    credentials: { client_id: 'cid', client_secret: 'secret' },
    gate: new LocalRateGate({ requests: 10_000, periodSeconds: 1 }),
    logger: createLogger({ service: 'test', silent: true }),
    tokenCache: new MemoryTokenCache(),
    now: () => new Date(),
  };
  return new CrowdStrikeConnector(ctx);
}

const tokenOn = (base: string, region = 'us-2', issued: string[] = ['tok-1']) =>
  http.post(`${base}/oauth2/token`, () => HttpResponse.json({ ...token, access_token: issued.shift() ?? 'tok-n' }, { status: 201, headers: { 'X-Cs-Region': region } }));

/** Entities: fixture hosts where known, a generated host for any other id; records every ids list asked for. */
const entitiesOn = (base: string, asked: string[][] = []) =>
  http.get(`${base}/devices/entities/devices/v2`, ({ request }) => {
    const ids = new URL(request.url).searchParams.getAll('ids');
    asked.push(ids);
    const resources = ids.map((id) => entities.resources!.find((h) => h.device_id === id) ?? { device_id: id, hostname: `host-${id.slice(0, 4)}`, status: 'normal' });
    return HttpResponse.json({ meta: {}, resources, errors: [] });
  });

const hiddenOn = (base: string) => http.get(`${base}/devices/queries/devices-hidden/v1`, () => HttpResponse.json(fixture('crowdstrike', 'devices-hidden-query.json')));

async function drain(spec: StreamSpec): Promise<Array<{ id: string; status: string }>> {
  const out = [];
  for await (const page of spec.pages(null)) out.push(...page.records.map((r) => ({ id: r.externalId, status: (r as { status: string }).status })));
  return out;
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('falcon hosts stream', () => {
  const scrollOn = (base: string, expireSecondPage = false) => {
    let calls = 0;
    return http.get(`${base}/devices/queries/devices-scroll/v1`, ({ request }) => {
      calls++;
      const offset = new URL(request.url).searchParams.get('offset');
      if (!offset) return HttpResponse.json(fixture('crowdstrike', 'devices-scroll-page1.json'));
      if (expireSecondPage && calls === 2) return HttpResponse.json({ meta: {}, resources: [], errors: [{ code: 400, message: 'scroll offset token expired' }] }, { status: 400 });
      return HttpResponse.json(fixture('crowdstrike', 'devices-scroll-page2.json'));
    });
  };

  it('scrolls every visible host, then lists hidden hosts as removed', async () => {
    server.use(tokenOn(US1), scrollOn(US2), entitiesOn(US2), hiddenOn(US2));
    const hosts = await drain(connector().streams({ syncType: 'devices', since: null })[0]);
    expect(hosts).toEqual([
      { id: '0f1e2d3c4b5a69788796a5b4c3d2e1f0', status: 'active' },
      { id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', status: 'active' },
      { id: 'b2c3d4e5f6a70819203b4c5d6e7f8091', status: 'active' },
      { id: 'd4e5f6a7b8c90a1b2c3d4e5f60718293', status: 'active' },
      { id: 'e5f6a7b8c9d00b1c2d3e4f5061728394', status: 'active' },
      { id: 'c3d4e5f6a7b8091a2b3c4d5e6f708192', status: 'removed' },
    ]);
  });

  it('sends host ids as repeated ids parameters, one batch per scroll page', async () => {
    const asked: string[][] = [];
    server.use(tokenOn(US1), scrollOn(US2), entitiesOn(US2, asked), hiddenOn(US2));
    await drain(connector().streams({ syncType: 'devices', since: null })[0]);
    expect(asked.map((ids) => ids.length)).toEqual([3, 2, 1]);
  });

  it('restarts an expired scroll from the beginning and yields every host exactly once', async () => {
    server.use(tokenOn(US1), scrollOn(US2, true), entitiesOn(US2), hiddenOn(US2));
    const hosts = await drain(connector({ includeHiddenHosts: false }).streams({ syncType: 'devices', since: null })[0]);
    expect(hosts.map((h) => h.id)).toEqual(['0f1e2d3c4b5a69788796a5b4c3d2e1f0', 'a1b2c3d4e5f60718293a4b5c6d7e8f90', 'b2c3d4e5f6a70819203b4c5d6e7f8091', 'd4e5f6a7b8c90a1b2c3d4e5f60718293', 'e5f6a7b8c9d00b1c2d3e4f5061728394']);
  });

  it('is complete on a full sync and filters an incremental one on modified_timestamp', async () => {
    let filter: string | null = null;
    server.use(
      tokenOn(US1),
      http.get(`${US2}/devices/queries/devices-scroll/v1`, ({ request }) => ((filter = new URL(request.url).searchParams.get('filter')), HttpResponse.json(fixture('crowdstrike', 'devices-scroll-end.json')))),
    );
    const c = connector();
    const delta = c.streams({ syncType: 'incremental', since: new Date('2026-01-01T00:00:00Z') }).find((s) => s.entity === 'device')!;
    await drain(delta);
    expect({ full: c.streams({ syncType: 'devices', since: null })[0].complete, delta: delta.complete, filter }).toEqual({ full: true, delta: false, filter: "modified_timestamp:>='2026-01-01T00:00:00.000Z'" });
  });
});

describe('falcon auth and regions', () => {
  it('follows X-Cs-Region from the token response to the tenant cloud', async () => {
    let hit = '';
    server.use(tokenOn(US1), http.get(`${US2}/devices/queries/devices/v1`, () => ((hit = 'us-2'), HttpResponse.json(fixture('crowdstrike', 'devices-query-page1.json')))));
    const result = await connector().testConnection();
    expect({ hit, base: result.details.baseUrl }).toEqual({ hit: 'us-2', base: US2 });
  });

  it('re-sends a 308 to Location with the bearer token and goes straight there afterwards', async () => {
    let redirects = 0;
    const auths: Array<string | null> = [];
    server.use(
      tokenOn(US1, 'us-1'),
      http.get(`${US1}/devices/queries/devices/v1`, ({ request }) => (redirects++, new HttpResponse(null, { status: 308, headers: { Location: `${US2}/devices/queries/devices/v1${new URL(request.url).search}` } }))),
      http.get(`${US2}/devices/queries/devices/v1`, ({ request }) => (auths.push(request.headers.get('authorization')), HttpResponse.json(fixture('crowdstrike', 'devices-query-page1.json')))),
    );
    const c = connector();
    await c.testConnection();
    await c.testConnection();
    expect({ redirects, auths }).toEqual({ redirects: 1, auths: ['Bearer tok-1', 'Bearer tok-1'] });
  });

  it('gets a new token once on a 401 invalid bearer and replays the request', async () => {
    const issued = ['tok-old', 'tok-new'];
    server.use(
      tokenOn(US1, 'us-1', issued),
      http.get(`${US1}/devices/queries/devices/v1`, ({ request }) =>
        request.headers.get('authorization') === 'Bearer tok-new'
          ? HttpResponse.json(fixture('crowdstrike', 'devices-query-page1.json'))
          : HttpResponse.json(fixture('crowdstrike', 'error-401-invalid-bearer.json'), { status: 401 }),
      ),
    );
    expect((await connector().testConnection()).details.hosts).toBe(7);
  });
});

describe('falcon errors', () => {
  it.each([
    ['error-401-invalid-bearer.json', 401, 'auth'],
    ['error-403-authorization-failed.json', 403, 'forbidden'],
  ])('maps %s (HTTP %i) to %s', async (file, status, kind) => {
    server.use(tokenOn(US1, 'us-1'), http.get(`${US1}/devices/queries/devices/v1`, () => HttpResponse.json(fixture('crowdstrike', file), { status })));
    await expect(connector().testConnection()).rejects.toMatchObject({ kind });
  });

  it('maps the token endpoint 403 for bad credentials to auth', async () => {
    server.use(http.post(`${US1}/oauth2/token`, () => HttpResponse.json(fixture('crowdstrike', 'oauth2-token-403.json'), { status: 403 })));
    await expect(connector().testConnection()).rejects.toMatchObject({ kind: 'auth' });
  });

  it('maps error-429 to rate_limited with the retry time from the X-RateLimit-RetryAfter epoch', async () => {
    const retryAfter = Math.floor(Date.now() / 1000) + 90;
    server.use(
      tokenOn(US1, 'us-1'),
      http.get(`${US1}/devices/queries/devices/v1`, () => HttpResponse.json(fixture('crowdstrike', 'error-429.json'), { status: 429, headers: { 'X-RateLimit-Limit': '6000', 'X-RateLimit-Remaining': '0', 'X-RateLimit-RetryAfter': String(retryAfter) } })),
    );
    const err = (await connector().testConnection().catch((e: unknown) => e)) as ConnectorError;
    expect({ kind: err.kind, retryAtS: Math.round(err.retryAt!.getTime() / 1000) }).toEqual({ kind: 'rate_limited', retryAtS: retryAfter });
  });
});

describe('falcon alerts stream', () => {
  const second = fixture<FalconEnvelope<{ composite_id: string }>>('crowdstrike', 'alerts-entities-v2.json').resources![1];

  it('pages the v2 combined alerts by the after token', async () => {
    const bodies: Array<Record<string, unknown>> = [];
    server.use(
      tokenOn(US1, 'us-1'),
      http.post(`${US1}/alerts/combined/alerts/v1`, async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        bodies.push(body);
        return HttpResponse.json(body.after ? { meta: { pagination: { limit: 1, total: 2 } }, resources: [second], errors: [] } : fixture('crowdstrike', 'alerts-combined-v1-page1.json'));
      }),
    );
    const alerts = await drain(connector().streams({ syncType: 'detections', since: null })[0]);
    expect({ ids: alerts.length, sort: bodies[0].sort, secondAfter: typeof bodies[1].after }).toEqual({ ids: 2, sort: 'created_timestamp|asc', secondAfter: 'string' });
  });

  it('restarts from the watermark when the after token expired inside an HTTP 200', async () => {
    let calls = 0;
    server.use(
      tokenOn(US1, 'us-1'),
      http.post(`${US1}/alerts/combined/alerts/v1`, async ({ request }) => {
        calls++;
        const body = (await request.json()) as { after?: string };
        if (body.after) return HttpResponse.json({ meta: {}, resources: [], errors: [{ code: 404, message: "Search context expired, 'after' key no longer valid" }] });
        const page = fixture<FalconEnvelope<object>>('crowdstrike', 'alerts-combined-v1-page1.json');
        // After the restart the first alert comes back (same watermark) followed by the second.
        return HttpResponse.json(calls === 1 ? page : { meta: { pagination: { total: 2 } }, resources: [...page.resources!, second], errors: [] });
      }),
    );
    const alerts = await drain(connector().streams({ syncType: 'detections', since: null })[0]);
    expect(alerts.map((a) => a.id)).toEqual([fixture<FalconEnvelope<{ composite_id: string }>>('crowdstrike', 'alerts-combined-v1-page1.json').resources![0].composite_id, second.composite_id]);
  });
});

describe('falcon containment', () => {
  const NORMAL = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';

  it('sends contain for a normal host and reports it pending', async () => {
    let action: string | null = null;
    server.use(
      tokenOn(US1, 'us-1'),
      entitiesOn(US1),
      http.post(`${US1}/devices/entities/devices-actions/v2`, ({ request }) => ((action = new URL(request.url).searchParams.get('action_name')), HttpResponse.json(fixture('crowdstrike', 'devices-action-contain-202.json'), { status: 202 }))),
    );
    const result = await connector().runCommand(NORMAL, { command: 'contain', params: {} });
    expect({ action, status: result.status, ref: result.vendorReference }).toEqual({ action: 'contain', status: 'pending', ref: `contain:${NORMAL}` });
  });

  it('does not re-send contain to a host that is already contained', async () => {
    server.use(tokenOn(US1, 'us-1'), entitiesOn(US1));
    const result = await connector().runCommand('a1b2c3d4e5f60718293a4b5c6d7e8f90', { command: 'contain', params: {} });
    expect({ status: result.status, sent: result.detail?.sent }).toEqual({ status: 'completed', sent: false });
  });

  it('reports a failed contain when the batch error names the host', async () => {
    const missing = 'f6a7b8c9d0e10c2d3e4f506172839405';
    server.use(
      tokenOn(US1, 'us-1'),
      entitiesOn(US1),
      http.post(`${US1}/devices/entities/devices-actions/v2`, () => HttpResponse.json(fixture('crowdstrike', 'devices-action-contain-partial-error.json'), { status: 202 })),
    );
    expect((await connector().runCommand(missing, { command: 'contain', params: {} })).status).toBe('failed');
  });

  it('completes a contain command once the host reads contained', async () => {
    server.use(tokenOn(US1, 'us-1'), entitiesOn(US1));
    expect((await connector().commandStatus('a1b2c3d4e5f60718293a4b5c6d7e8f90', 'contain:a1b2c3d4e5f60718293a4b5c6d7e8f90')).status).toBe('completed');
  });
});

describe('falcon lift containment', () => {
  const CONTAINED = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const NORMAL = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';

  /** A CID whose hosts read `status` from `states` (else the fixture); records every action request. */
  function cid(states: Record<string, string> = {}): { actions: Array<{ method: string; path: string; action: string | null; body: unknown }> } {
    const sent = { actions: [] as Array<{ method: string; path: string; action: string | null; body: unknown }> };
    server.use(
      tokenOn(US1, 'us-1'),
      http.get(`${US1}/devices/entities/devices/v2`, ({ request }) => {
        const ids = new URL(request.url).searchParams.getAll('ids');
        const resources = entities.resources!.filter((h) => ids.includes(h.device_id)).map((h) => (states[h.device_id] ? { ...h, status: states[h.device_id] } : h));
        return HttpResponse.json({ meta: {}, resources, errors: [] });
      }),
      http.post(`${US1}/devices/entities/devices-actions/v2`, async ({ request }) => {
        const url = new URL(request.url);
        sent.actions.push({ method: request.method, path: url.pathname, action: url.searchParams.get('action_name'), body: await request.json() });
        return HttpResponse.json(fixture('crowdstrike', 'devices-action-lift-containment-202.json'), { status: 202 });
      }),
    );
    return sent;
  }

  it('sends POST /devices/entities/devices-actions/v2?action_name=lift_containment with the host id for a contained host', async () => {
    const sent = cid();
    await connector().runCommand(CONTAINED, { command: 'lift_containment', params: {} });
    expect(sent.actions).toEqual([{ method: 'POST', path: '/devices/entities/devices-actions/v2', action: 'lift_containment', body: { ids: [CONTAINED] } }]);
  });

  it('records the lift as pending with a reference to poll, since Falcon lifts when the host checks in', async () => {
    cid();
    const result = await connector().runCommand(CONTAINED, { command: 'lift_containment', params: {} });
    expect(result).toEqual({ status: 'pending', vendorReference: `lift_containment:${CONTAINED}`, detail: { containmentStatus: 'contained', sent: true, httpStatus: 202 } });
  });

  it('keeps the lift pending while the host reads lift_containment_pending', async () => {
    cid({ [CONTAINED]: 'lift_containment_pending' });
    const status = await connector().commandStatus(CONTAINED, `lift_containment:${CONTAINED}`);
    expect([status.status, status.detail]).toEqual(['pending', { containmentStatus: 'lift_containment_pending' }]);
  });

  it('completes the lift once the host reads normal', async () => {
    cid({ [CONTAINED]: 'normal' });
    const status = await connector().commandStatus(CONTAINED, `lift_containment:${CONTAINED}`);
    expect([status.status, status.detail]).toEqual(['completed', { containmentStatus: 'normal' }]);
  });

  it('sends nothing for a host that is not contained and records the lift as completed', async () => {
    const sent = cid();
    const result = await connector().runCommand(NORMAL, { command: 'lift_containment', params: {} });
    expect({ actions: sent.actions.length, result }).toEqual({ actions: 0, result: { status: 'completed', vendorReference: `lift_containment:${NORMAL}`, detail: { containmentStatus: 'normal', sent: false } } });
  });

  it('does not send a second lift for a host whose lift is already pending', async () => {
    const sent = cid({ [CONTAINED]: 'lift_containment_pending' });
    const result = await connector().runCommand(CONTAINED, { command: 'lift_containment', params: {} });
    expect({ actions: sent.actions.length, status: result.status }).toEqual({ actions: 0, status: 'pending' });
  });

  it('fails with kind not_found for a host id Falcon does not know, sending no action', async () => {
    const sent = cid();
    await expect(connector().runCommand('ffffffffffffffffffffffffffffffff', { command: 'lift_containment', params: {} })).rejects.toMatchObject({ kind: 'not_found' });
    expect(sent.actions).toEqual([]);
  });
});
