import { Worker, type Queue } from 'bullmq';
import { createIntegration, markEventFailed, markEventProcessed, recordEvents, type NewIntegrationEvent } from '@trustsync/db';
import { QUEUE_NAMES, createRedis, openQueue } from '@trustsync/queue';
import { TEST_REDIS_URL, testQueuePrefix } from '@trustsync/testing';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';

let api: ApiHarness;
let webhookQueue: Queue;
let webhookRedis: ReturnType<typeof createRedis>;
let integrationId: string;

beforeAll(async () => {
  webhookRedis = createRedis(TEST_REDIS_URL, 'producer');
  webhookQueue = openQueue(QUEUE_NAMES.webhook, webhookRedis, testQueuePrefix('apievents'));
  await webhookQueue.waitUntilReady();
  api = await startApiHarness('apievents', { webhookQueue });
});

afterAll(async () => {
  await webhookQueue.obliterate({ force: true }).catch(() => undefined);
  await webhookQueue.close();
  await webhookRedis.quit();
  await api.close();
});

beforeEach(async () => {
  const entity = await createIntegration(api.db.dataSource, api.box, { name: 'okta events', integrationType: 'okta', authType: 'api_token', webhookEnabled: true, webhookSecret: 'okta-secret-123456' }, 'test');
  integrationId = entity.id;
});

afterEach(async () => {
  await api.db.dataSource.query('DELETE FROM integrations');
  await webhookQueue.obliterate({ force: true });
});

function event(externalEventId: string, eventType = 'user.lifecycle.deactivate', category = 'user'): NewIntegrationEvent {
  return { externalEventId, eventType, category, sourceEntityType: 'user', sourceEntityId: '00u1', severity: 'informational', payload: { uuid: externalEventId }, payloadHash: externalEventId, eventTime: '2026-01-01T00:00:00Z' };
}

async function store(...events: NewIntegrationEvent[]): Promise<string[]> {
  return (await recordEvents(api.db.dataSource, integrationId, events)).accepted;
}

describe('listing and reading events', () => {
  it('lists an integration’s events filtered by type, without payloads', async () => {
    await store(event('e1'), event('e2', 'user.session.start', 'auth'));
    const res = await api.call('GET', `/api/v1/integrations/${integrationId}/events?event_type=user.session.start`);
    expect(res.body).toMatchObject({ total: 1, items: [{ external_event_id: 'e2', category: 'auth', status: 'pending' }] });
    expect(res.body.items[0].payload).toBeUndefined();
  });

  it('filters by processed state', async () => {
    const [first] = await store(event('e1'), event('e2'));
    await markEventProcessed(api.db.dataSource, first, { effect: 'recorded' });
    const res = await api.call('GET', `/api/v1/integrations/${integrationId}/events?processed=true`);
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([first]);
  });

  it('filters by received time', async () => {
    await store(event('e1'));
    const res = await api.call('GET', `/api/v1/integrations/${integrationId}/events?since=2999-01-01T00:00:00Z`);
    expect(res.body.total).toBe(0);
  });

  it('answers 400 naming processed when it is not a boolean', async () => {
    const res = await api.call('GET', `/api/v1/integrations/${integrationId}/events?processed=maybe`);
    expect([res.status, res.body.error.details[0].field]).toEqual([400, 'processed']);
  });

  it('shows one event with its payload', async () => {
    const [id] = await store(event('e1'));
    const res = await api.call('GET', `/api/v1/events/${id}`);
    expect(res.body).toMatchObject({ id, external_event_id: 'e1', payload: { uuid: 'e1' }, delivery_method: 'webhook', attempts: 0 });
  });

  it('answers 404 for an unknown event', async () => {
    const res = await api.call('GET', '/api/v1/events/EVT-000000000000');
    expect(res.status).toBe(404);
  });
});

describe('replaying events', () => {
  it('puts a failed event back to pending and enqueues it', async () => {
    const [id] = await store(event('e1'));
    await markEventFailed(api.db.dataSource, id, 'parser said no');
    const res = await api.call('POST', `/api/v1/events/${id}/replay`);
    const row = await api.call('GET', `/api/v1/events/${id}`);
    expect(res.status).toBe(202);
    expect(row.body).toMatchObject({ status: 'pending', error: null, processed: false });
    expect((await webhookQueue.getJob(id))?.data).toEqual({ eventId: id });
  });

  it('replaces a finished job so the replay runs', async () => {
    const [id] = await store(event('e1'));
    await webhookQueue.add('webhook.apply', { eventId: id }, { jobId: id, attempts: 1 });
    const connection = createRedis(TEST_REDIS_URL, 'worker');
    const worker = new Worker(QUEUE_NAMES.webhook, async () => { throw new Error('old failure'); }, { connection, prefix: webhookQueue.opts.prefix });
    await new Promise<void>((resolve) => worker.once('failed', () => resolve()));
    await worker.close();
    await connection.quit();
    await api.call('POST', `/api/v1/events/${id}/replay`);
    expect(await (await webhookQueue.getJob(id))!.getState()).toBe('waiting');
  });

  it('replays the failed events of an integration since a time, in bulk', async () => {
    const [a, b, c] = await store(event('e1'), event('e2'), event('e3'));
    await markEventFailed(api.db.dataSource, a, 'x');
    await markEventFailed(api.db.dataSource, b, 'x');
    await markEventProcessed(api.db.dataSource, c, { effect: 'recorded' });
    const res = await api.call('POST', '/api/v1/events/replay', { integration_id: integrationId, since: '2000-01-01T00:00:00Z' });
    expect(res.status).toBe(202);
    expect([...res.body.event_ids].sort()).toEqual([a, b].sort());
  });

  it('answers 404 to a bulk replay of an unknown integration', async () => {
    const res = await api.call('POST', '/api/v1/events/replay', { integration_id: 'INT-000000000000' });
    expect(res.status).toBe(404);
  });
});

describe('webhook health of an integration', () => {
  it('reports missed webhooks, backlog and recent rejections', async () => {
    await store(event('e1'));
    await api.db.dataSource.query(`UPDATE integrations SET missed_webhooks = 4 WHERE id = $1`, [integrationId]);
    const res = await api.call('GET', `/api/v1/integrations/${integrationId}/webhook-status`);
    expect(res.body).toMatchObject({ webhook_enabled: true, missed_webhooks: 4, events_pending: 1, events_failed: 0, rejections_last24h: 0 });
  });
});
