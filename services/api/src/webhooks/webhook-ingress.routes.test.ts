import { createHmac } from 'node:crypto';
import { Socket, createServer, type AddressInfo, type Server } from 'node:net';
import type { Queue } from 'bullmq';
import { createDataSource, createIntegration, findOutboxEvents } from '@trustsync/db';
import { QUEUE_NAMES, createRedis, openQueue } from '@trustsync/queue';
import { TEST_REDIS_URL, fixture, fixtureText, testQueuePrefix } from '@trustsync/testing';
import { startSandbox } from '@trustsync/vendor-sandbox';
import { startApiHarness, type ApiAnswer, type ApiHarness } from '../testing/api-harness';

const SERAPHIC_SECRET = 'seraphic-webhook-secret-5f2d8c1a9b7e';
const OKTA_SECRET = 'okta-hook-secret-EXAMPLE-7f3c9a1e';
const ZSCALER_SECRET = 'zscaler-nss-feed-secret-3c1e7a9d';

let api: ApiHarness;
let webhookQueue: Queue;
let webhookRedis: ReturnType<typeof createRedis>;

beforeAll(async () => {
  const prefix = testQueuePrefix('apiwebhooks');
  webhookRedis = createRedis(TEST_REDIS_URL, 'producer');
  webhookQueue = openQueue(QUEUE_NAMES.webhook, webhookRedis, prefix);
  await webhookQueue.waitUntilReady();
  // A one-minute ingress window: with the default second, a slow machine spreads the 45-delivery burst over two windows.
  api = await startApiHarness('apiwebhooks', { webhookQueue, webhookIngress: { ingressLimit: 40, ingressWindowMs: 60_000, rejectionLimit: 5, bodyLimit: '64kb' } });
});

afterAll(async () => {
  await webhookQueue.obliterate({ force: true }).catch(() => undefined);
  await webhookQueue.close();
  await webhookRedis.quit();
  await api.close();
});

afterEach(async () => {
  await api.db.dataSource.query('DELETE FROM integrations');
  await webhookQueue.obliterate({ force: true });
});

let nameSeq = 0;
async function integration(type: 'seraphic' | 'okta' | 'zscaler' | 'kandji' | 'crowdstrike', secret: string | null, overrides: { webhookEnabled?: boolean; enabled?: boolean } = {}): Promise<string> {
  const entity = await createIntegration(
    api.db.dataSource,
    api.box,
    { name: `${type} ${++nameSeq}`, integrationType: type, authType: 'api_key', webhookEnabled: overrides.webhookEnabled ?? true, enabled: overrides.enabled ?? true, webhookSecret: secret },
    'test',
  );
  return entity.id;
}

function seraphicBody(eventId: string, eventType = 'threat.detected'): string {
  return JSON.stringify({
    eventId,
    eventType,
    occurredAt: '2026-01-01T00:00:00Z',
    tenantId: 'tnt_test',
    data: { detectionId: `det_${eventId}`, type: 'phishing', severity: 'high', endpointId: 'ep_0001', url: 'https://bad.example.test/' },
  });
}

/** Posts a Seraphic-signed delivery to the API at `baseUrl`. */
async function signedPost(baseUrl: string, id: string, body: string, opts: { secret?: string; timestamp?: number; signedBody?: string } = {}): Promise<ApiAnswer> {
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const sig = createHmac('sha256', opts.secret ?? SERAPHIC_SECRET).update(`${ts}.${opts.signedBody ?? body}`).digest('hex');
  const res = await fetch(`${baseUrl}/api/v1/integrations/webhooks/${id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-seraphic-timestamp': String(ts), 'x-seraphic-signature': `sha256=${sig}` },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
}

function postSigned(id: string, body: string, opts: { secret?: string; timestamp?: number; signedBody?: string } = {}): Promise<ApiAnswer> {
  return signedPost(api.baseUrl, id, body, opts);
}

async function count(table: string): Promise<number> {
  const [row] = await api.db.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`);
  return row.n;
}

describe('accepting a signed delivery', () => {
  it('has the event row committed when the 202 arrives', async () => {
    const id = await integration('seraphic', SERAPHIC_SECRET);
    const res = await postSigned(id, seraphicBody('wh_commit_1'));
    const rows = await api.db.dataSource.query(`SELECT * FROM integration_events WHERE id = $1`, [res.body.event_ids[0]]);
    expect(res.status).toBe(202);
    expect(rows[0]).toMatchObject({
      integration_id: id,
      external_event_id: 'wh_commit_1',
      event_type: 'threat.detected',
      category: 'detection',
      source_entity_type: 'detection',
      source_entity_id: 'det_wh_commit_1',
      severity: 'high',
      delivery_method: 'webhook',
      status: 'pending',
      processed: false,
    });
    expect(rows[0].event_time.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('enqueues a job whose id is the event id and whose data is only that id', async () => {
    const id = await integration('seraphic', SERAPHIC_SECRET);
    const res = await postSigned(id, seraphicBody('wh_job_1'));
    const job = await webhookQueue.getJob(res.body.event_ids[0]);
    expect(job?.data).toEqual({ eventId: res.body.event_ids[0] });
  });

  it('marks the enqueued event so the outbox sweeper leaves it alone', async () => {
    const id = await integration('seraphic', SERAPHIC_SECRET);
    await postSigned(id, seraphicBody('wh_mark_1'));
    // Marks are written in small batches just after the answer.
    let outbox = await findOutboxEvents(api.db.dataSource, { unenqueuedOlderThanMs: 0, reenqueueAfterMs: 3_600_000, limit: 10 });
    for (let i = 0; i < 50 && outbox.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      outbox = await findOutboxEvents(api.db.dataSource, { unenqueuedOlderThanMs: 0, reenqueueAfterMs: 3_600_000, limit: 10 });
    }
    expect(outbox).toEqual([]);
  });

  it('acknowledges a repeated delivery with 200 and stores it once', async () => {
    const id = await integration('seraphic', SERAPHIC_SECRET);
    const body = seraphicBody('wh_dup_1');
    await postSigned(id, body);
    const again = await postSigned(id, body);
    expect([again.status, again.body.accepted, again.body.duplicates]).toEqual([200, 0, 1]);
    expect(await count('integration_events')).toBe(1);
    expect(await webhookQueue.getJobCounts('waiting')).toEqual({ waiting: 1 });
  });

  it('commits deliveries that arrive together, answering each with its own events, and stores one sent twice at once once', async () => {
    const a = await integration('seraphic', SERAPHIC_SECRET);
    const b = await integration('seraphic', SERAPHIC_SECRET);
    const sends = [
      ...Array.from({ length: 9 }, (_, i) => ({ id: a, eventId: `wh_c_${i}` })),
      { id: a, eventId: 'wh_c_0' },
      // The same external ids at another integration are other events.
      ...Array.from({ length: 10 }, (_, i) => ({ id: b, eventId: `wh_c_${i}` })),
    ];
    const answers = await Promise.all(sends.map((s) => postSigned(s.id, seraphicBody(s.eventId))));
    const stored: Array<{ id: string; integration_id: string; external_event_id: string }> = await api.db.dataSource.query(`SELECT id, integration_id, external_event_id FROM integration_events`);
    const byId = new Map(stored.map((e) => [e.id, e]));
    // Each 202 names the event of its own delivery.
    const named = answers.flatMap((ans, i) => (ans.status === 202 ? [[byId.get(ans.body.event_ids[0])?.integration_id, byId.get(ans.body.event_ids[0])?.external_event_id, sends[i].id, sends[i].eventId]] : []));
    expect(named.every(([gotIntegration, gotEvent, sentIntegration, sentEvent]) => gotIntegration === sentIntegration && gotEvent === sentEvent)).toBe(true);
    expect(answers.map((ans) => ans.status).sort()).toEqual([200, ...Array(19).fill(202)]);
    expect([stored.filter((e) => e.integration_id === a).length, stored.filter((e) => e.integration_id === b).length]).toEqual([9, 10]);
    expect(await webhookQueue.getJobCounts('waiting')).toEqual({ waiting: 19 });
  });

  it('answers a delivery Postgres refuses with 400 without failing the deliveries committed with it', async () => {
    const id = await integration('seraphic', SERAPHIC_SECRET);
    // A NUL character is valid JSON but cannot be stored in jsonb.
    const refused = seraphicBody('wh_nul').replace('https://bad.example.test/', 'https://bad.example.test/\\u0000');
    const answers = await Promise.all([...Array.from({ length: 5 }, (_, i) => postSigned(id, seraphicBody(`wh_ok_${i}`))), postSigned(id, refused)]);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202, 400]);
    expect(await count('integration_events')).toBe(5);
  });

  it('counts repeated deliveries as duplicates in the integration statistics', async () => {
    const id = await integration('seraphic', SERAPHIC_SECRET);
    const other = await integration('seraphic', SERAPHIC_SECRET);
    const body = seraphicBody('wh_dupstat_1');
    await postSigned(id, body);
    await postSigned(id, body);
    await postSigned(id, body);
    await postSigned(other, seraphicBody('wh_dupstat_2'));
    const stats = await api.call('GET', '/api/v1/integrations/statistics');
    const figures = (integrationId: string) => stats.body.integrations.find((i: { integration_id: string }) => i.integration_id === integrationId).webhook_events;
    expect(stats.status).toBe(200);
    expect([figures(id).received, figures(id).duplicates]).toEqual([1, 2]);
    expect([figures(other).received, figures(other).duplicates]).toEqual([1, 0]);
    expect(stats.body.totals.webhook_events.duplicates).toBe(2);
  });

  it.each([
    ['crowdstrike', { alertIndex: 1 }],
    ['seraphic', { kind: 'threat.detected', index: 1 }],
  ] as const)('acknowledges with 200 the %s event a restarted vendor sandbox sends again, and leaves its row as it was', async (type, delivery) => {
    const secret = `${type}-webhook-secret-of-forty-characters!!`;
    const id = await integration(type, secret);
    // Each send comes from a fresh sandbox with the same seed, as in two runs of the demo.
    const sendFromNewSandbox = async (): Promise<number> => {
      const sb = await startSandbox({ seed: 'redelivery', people: 50, [type]: { devices: 40 } });
      try {
        const res = await fetch(`${sb.url}/_sandbox/${type}/webhooks/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: `${api.baseUrl}/api/v1/integrations/webhooks/${id}`, secret, ...delivery }) });
        return ((await res.json()) as { status: number }).status;
      } finally {
        await sb.close();
      }
    };
    const rowsOf = () => api.db.dataSource.query(`SELECT id, external_event_id, status, attempts, received_at FROM integration_events WHERE integration_id = $1`, [id]);
    const firstStatus = await sendFromNewSandbox();
    const before = await rowsOf();
    const secondStatus = await sendFromNewSandbox();
    expect([firstStatus, secondStatus]).toEqual([202, 200]);
    expect(await rowsOf()).toEqual(before);
    expect(before).toHaveLength(1);
    expect(await webhookQueue.getJobCounts('waiting')).toEqual({ waiting: 1 });
  });

  it('stores a Zscaler NSS record, which has no id, once by its payload hash', async () => {
    const id = await integration('zscaler', ZSCALER_SECRET);
    const record = { sourcetype: 'zscalernss-web', event: { time: 'Tue May 20 09:47:57 2025', action: 'Blocked', urlcat: 'Phishing', riskscore: '92' } };
    const send = () => fetch(`${api.baseUrl}/api/v1/integrations/webhooks/${id}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ZSCALER_SECRET}` }, body: JSON.stringify([record]) });
    const statuses = [(await send()).status, (await send()).status];
    const rows = await api.db.dataSource.query(`SELECT external_event_id FROM integration_events`);
    expect(statuses).toEqual([202, 200]);
    expect(rows).toHaveLength(1);
    expect(rows[0].external_event_id).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('stores a delivery the vendor parser refuses as one unparsed event', async () => {
    const id = await integration('seraphic', SERAPHIC_SECRET);
    const res = await postSigned(id, JSON.stringify({ something: 'else' }));
    const rows = await api.db.dataSource.query(`SELECT event_type, payload FROM integration_events`);
    expect(res.status).toBe(202);
    expect(rows[0].event_type).toBe('trustsync.unparsed_delivery');
    expect(rows[0].payload.parse_error).toMatch(/not a Seraphic webhook body/);
  });
});

describe('refusing a delivery', () => {
  it('answers a tampered body with 401, logs the rejection and stores no event', async () => {
    const id = await integration('seraphic', SERAPHIC_SECRET);
    const res = await postSigned(id, seraphicBody('wh_tamper_1').replace('high', 'low'), { signedBody: seraphicBody('wh_tamper_1') });
    const rejections = await api.db.dataSource.query(`SELECT reason, header_names FROM webhook_rejections WHERE integration_id = $1`, [id]);
    expect(res.status).toBe(401);
    expect(rejections).toEqual([{ reason: 'signature does not match', header_names: expect.arrayContaining(['x-seraphic-signature']) }]);
    expect(await count('integration_events')).toBe(0);
  });

  it('answers a stale timestamp with 401 and logs it as outside the tolerance', async () => {
    const id = await integration('seraphic', SERAPHIC_SECRET);
    const res = await postSigned(id, seraphicBody('wh_stale_1'), { timestamp: Math.floor(Date.now() / 1000) - 600 });
    const [rejection] = await api.db.dataSource.query(`SELECT reason FROM webhook_rejections`);
    expect(res.status).toBe(401);
    expect(rejection.reason).toMatch(/outside the 300 s tolerance/);
  });

  it('never logs the header values of a rejected delivery', async () => {
    const id = await integration('okta', OKTA_SECRET);
    await fetch(`${api.baseUrl}/api/v1/integrations/webhooks/${id}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'guessed-secret-value-123' }, body: '{}' });
    const rows = await api.db.dataSource.query(`SELECT * FROM webhook_rejections`);
    expect(JSON.stringify(rows)).not.toContain('guessed-secret-value-123');
  });

  it('answers unknown ids, disabled webhooks, disabled integrations and Kandji with identical 404s', async () => {
    const ids = [
      'INT-000000000000',
      await integration('seraphic', SERAPHIC_SECRET, { webhookEnabled: false }),
      await integration('seraphic', SERAPHIC_SECRET, { enabled: false }),
      await integration('kandji', SERAPHIC_SECRET),
    ];
    const answers = await Promise.all(ids.map((id) => postSigned(id, seraphicBody('wh_404'))));
    const shapes = answers.map((a, i) => [a.status, a.text.replaceAll(ids[i], '<id>')]);
    expect(new Set(shapes.map((s) => JSON.stringify(s))).size).toBe(1);
    expect(shapes[0][0]).toBe(404);
  });

  it('answers 400 to a verified body that is not JSON', async () => {
    const id = await integration('seraphic', SERAPHIC_SECRET);
    const res = await postSigned(id, '{"eventId": ');
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_json']);
  });

  it('answers 400 to a verified body nested too deep to store, and stores nothing', async () => {
    const id = await integration('seraphic', SERAPHIC_SECRET);
    const depth = 5000;
    const res = await postSigned(id, `{"eventId":"deep","eventType":"endpoint.offline","data":{"endpointId":"x","n":${'['.repeat(depth)}${']'.repeat(depth)}}}`);
    expect([res.status, res.body.error.message]).toEqual([400, 'the delivery body is nested deeper than 64 levels']);
    expect(await count('integration_events')).toBe(0);
  });

  it('answers 413 to a body over the limit', async () => {
    const id = await integration('seraphic', SERAPHIC_SECRET);
    const res = await postSigned(id, JSON.stringify({ eventId: 'big', eventType: 'x', padding: 'x'.repeat(70_000) }));
    expect(res.status).toBe(413);
  });

  it('answers 429 with Retry-After once an integration exceeds its ingress cap', async () => {
    const id = await integration('seraphic', SERAPHIC_SECRET);
    const answers = await Promise.all(Array.from({ length: 45 }, (_, k) => postSigned(id, seraphicBody(`wh_cap_${k}`))));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('stops logging rejections from a source over its budget and answers it 429', async () => {
    // A harness of its own: the budget is per process, and other tests here spend it too.
    const strict = await startApiHarness('apiwhbudget', { webhookQueue, webhookIngress: { rejectionLimit: 3 } });
    try {
      const entity = await createIntegration(strict.db.dataSource, strict.box, { name: 'seraphic budget', integrationType: 'seraphic', authType: 'api_key', webhookEnabled: true, webhookSecret: SERAPHIC_SECRET }, 'test');
      const statuses: number[] = [];
      for (let k = 0; k < 5; k++) statuses.push((await signedPost(strict.baseUrl, entity.id, seraphicBody(`wh_bad_${k}`), { secret: 'wrong-secret-wrong-secret' })).status);
      const [logged] = await strict.db.dataSource.query(`SELECT count(*)::int AS n FROM webhook_rejections`);
      expect([statuses, logged.n]).toEqual([[401, 401, 401, 429, 429], 3]);
    } finally {
      await strict.close();
    }
  });
});

describe('the Okta verification challenge', () => {
  it('echoes the challenge when the secret header matches', async () => {
    const id = await integration('okta', OKTA_SECRET);
    const challenge = /x-okta-verification-challenge: (\S+)/i.exec(fixtureText('okta', 'event-hook-verification.request.http'))![1];
    const res = await fetch(`${api.baseUrl}/api/v1/integrations/webhooks/${id}`, { headers: { authorization: OKTA_SECRET, 'x-okta-verification-challenge': challenge } });
    expect([res.status, await res.json()]).toEqual([200, fixture('okta', 'event-hook-verification.response.json')]);
  });

  it('answers a GET without a challenge like an unknown id', async () => {
    const id = await integration('okta', OKTA_SECRET);
    const res = await fetch(`${api.baseUrl}/api/v1/integrations/webhooks/${id}`, { headers: { authorization: OKTA_SECRET } });
    expect(res.status).toBe(404);
  });

  it('accepts the fixture event hook delivery as one event per log event', async () => {
    const id = await integration('okta', OKTA_SECRET);
    const res = await fetch(`${api.baseUrl}/api/v1/integrations/webhooks/${id}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: OKTA_SECRET }, body: fixtureText('okta', 'event-hook-delivery.json') });
    const rows = await api.db.dataSource.query(`SELECT external_event_id, source_entity_type FROM integration_events ORDER BY external_event_id`);
    expect(res.status).toBe(202);
    expect(rows.map((r: { external_event_id: string }) => r.external_event_id)).toEqual(['7a1b2c3d-e001-11f0-8000-0242ac120002', '7a1b2c3d-e002-11f0-8000-0242ac120002', '7a1b2c3d-e003-11f0-8000-0242ac120002']);
  });
});

describe('when Redis is down', () => {
  it('still answers 202 and leaves the event in the outbox for the sweeper', async () => {
    const deadRedis = createRedis('redis://127.0.0.1:1', 'producer', { retryStrategy: () => null });
    const deadQueue = openQueue(QUEUE_NAMES.webhook, deadRedis, testQueuePrefix('deadredis'));
    const down = await startApiHarness('apiwhredis', { webhookQueue: deadQueue });
    try {
      const entity = await createIntegration(down.db.dataSource, down.box, { name: 'seraphic down', integrationType: 'seraphic', authType: 'api_key', webhookEnabled: true, webhookSecret: SERAPHIC_SECRET }, 'test');
      const res = await signedPost(down.baseUrl, entity.id, seraphicBody('wh_redis_down'));
      const outbox = await findOutboxEvents(down.db.dataSource, { unenqueuedOlderThanMs: 0, reenqueueAfterMs: 3_600_000, limit: 10 });
      expect(res.status).toBe(202);
      expect(outbox).toEqual([{ id: res.body.event_ids[0], enqueued: false }]);
    } finally {
      await deadQueue.close().catch(() => undefined);
      deadRedis.disconnect();
      await down.close();
    }
  });
});

/** A TCP relay to Postgres that can be cut and restored, to stop "Postgres" without touching the shared server. */
async function startRelay(): Promise<{ port: number; cut: () => void; restore: () => void; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    upstream.connect(5432, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    cut: () => {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore: () => {
      down = false;
    },
    close: async () => {
      down = true;
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('when Postgres is down', () => {
  it('answers 503 when the commit fails, so the vendor retries, and nothing is half-written', async () => {
    const id = await integration('seraphic', SERAPHIC_SECRET);
    const relay = await startRelay();
    const url = new URL(api.db.url);
    url.host = `127.0.0.1:${relay.port}`;
    const relayed = createDataSource({ url: url.toString(), poolSize: 2 });
    await relayed.initialize();
    const down = await startApiHarness('apiwhpg', { webhookQueue, dataSource: relayed, secretBox: api.box });
    try {
      // A good delivery first: the integration is now cached, so the next one reaches the commit itself.
      const first = await signedPost(down.baseUrl, id, seraphicBody('wh_pg_up'));
      relay.cut();
      const failed = await signedPost(down.baseUrl, id, seraphicBody('wh_pg_down'));
      relay.restore();
      const events = await api.db.dataSource.query(`SELECT external_event_id FROM integration_events ORDER BY received_at`);
      expect([first.status, failed.status, failed.body.error.code]).toEqual([202, 503, 'unavailable']);
      expect(events).toEqual([{ external_event_id: 'wh_pg_up' }]);
      expect(await webhookQueue.getJobCounts('waiting')).toEqual({ waiting: 1 });
    } finally {
      await down.close();
      await relayed.destroy().catch(() => undefined);
      await relay.close();
    }
  });

  it('accepts the vendor\'s retry once Postgres is back, and stores the event once', async () => {
    const id = await integration('seraphic', SERAPHIC_SECRET);
    const relay = await startRelay();
    const url = new URL(api.db.url);
    url.host = `127.0.0.1:${relay.port}`;
    const relayed = createDataSource({ url: url.toString(), poolSize: 2 });
    await relayed.initialize();
    const down = await startApiHarness('apiwhpgback', { webhookQueue, dataSource: relayed, secretBox: api.box });
    try {
      await signedPost(down.baseUrl, id, seraphicBody('wh_pg_warm'));
      relay.cut();
      const failed = await signedPost(down.baseUrl, id, seraphicBody('wh_pg_retry'));
      relay.restore();
      const retried = await signedPost(down.baseUrl, id, seraphicBody('wh_pg_retry'));
      const rows = await api.db.dataSource.query(`SELECT id FROM integration_events WHERE external_event_id = 'wh_pg_retry'`);
      expect([failed.status, retried.status, retried.body.accepted]).toEqual([503, 202, 1]);
      expect(rows).toEqual([{ id: retried.body.event_ids[0] }]);
      expect(await webhookQueue.getJob(retried.body.event_ids[0])).toBeDefined();
    } finally {
      await down.close();
      await relayed.destroy().catch(() => undefined);
      await relay.close();
    }
  });
});
