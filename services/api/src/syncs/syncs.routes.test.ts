import { kandjiExample, startApiHarness, type ApiHarness } from '../testing/api-harness';

const TOKEN = 'kandji-sync-token-5c8e1f0b9a2d';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness('apisyncs');
});

afterAll(async () => {
  await api.close();
});

afterEach(async () => {
  await api.db.dataSource.query('DELETE FROM integrations');
  await api.queue.obliterate({ force: true });
});

async function createIntegration(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await api.call('POST', '/api/v1/integrations', { ...kandjiExample(undefined, TOKEN), ...overrides });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function insertSync(integrationId: string, id: string, status: string, createdAt: string, syncType = 'full'): Promise<void> {
  await api.db.dataSource.query(
    `INSERT INTO integration_syncs (id, integration_id, sync_type, status, created_at, completed_at, duration_ms, items_processed)
     VALUES ($1, $2, $3, $4, $5, $5, 1000, 10)`,
    [id, integrationId, syncType, status, createdAt],
  );
}

describe('triggering a sync', () => {
  it('answers 202 with a new pending sync', async () => {
    const id = await createIntegration();
    const res = await api.call('POST', `/api/v1/integrations/${id}/sync?sync_type=devices`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'pending', sync_type: 'devices', coalesced: false });
    expect(res.body.sync_id).toMatch(/^SYN-[0-9A-Z]{12}$/);
  });

  it('puts a job in the sync queue whose id is the sync id', async () => {
    const id = await createIntegration();
    const res = await api.call('POST', `/api/v1/integrations/${id}/sync`);
    const job = await api.queue.getJob(res.body.sync_id);
    expect(job?.data).toEqual({ syncId: res.body.sync_id, integrationId: id, syncType: 'full', triggeredBy: expect.stringMatching(/^test-admin \(KEY-[0-9A-Z]{12}\)$/) });
  });

  it('puts no secret in the job data', async () => {
    const id = await createIntegration();
    const res = await api.call('POST', `/api/v1/integrations/${id}/sync`);
    const job = await api.queue.getJob(res.body.sync_id);
    expect(JSON.stringify(job?.data)).not.toContain(TOKEN);
    expect(JSON.stringify(job?.data)).not.toMatch(/credential|secret|v1:test:/);
  });

  it('coalesces a second trigger into the pending sync', async () => {
    const id = await createIntegration();
    const first = await api.call('POST', `/api/v1/integrations/${id}/sync`);
    const second = await api.call('POST', `/api/v1/integrations/${id}/sync?sync_type=users`);
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({ sync_id: first.body.sync_id, coalesced: true, sync_type: 'full' });
    expect(second.body.message).toMatch(/already pending/);
    expect(await api.queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
  });

  it('answers 409 for a disabled integration', async () => {
    const id = await createIntegration({ enabled: false });
    const res = await api.call('POST', `/api/v1/integrations/${id}/sync`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
  });

  it('answers 400 naming sync_type when it is not a sync type', async () => {
    const id = await createIntegration();
    const res = await api.call('POST', `/api/v1/integrations/${id}/sync?sync_type=everything`);
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('sync_type');
  });

  it('still answers 202 with the recorded sync when Redis refuses the job', async () => {
    const id = await createIntegration();
    // Keeps the Queue prototype (Bull Board checks it) and refuses every job, as a Queue whose Redis is gone does.
    const broken = Object.create(api.queue, { add: { value: () => Promise.reject(new Error('Connection is closed.')) } });
    const { createApp } = await import('../app');
    const server = createApp({ ...api.deps, syncQueue: broken as unknown as typeof api.queue }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as { port: number }).port;
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/integrations/${id}/sync`, { method: 'POST', headers: api.authHeader });
    server.close();
    expect(res.status).toBe(202);
    const body = await res.json();
    const [row] = await api.db.dataSource.query('SELECT status FROM integration_syncs WHERE id = $1', [body.sync_id]);
    expect(row.status).toBe('pending');
  });
});

describe('triggering every integration', () => {
  it('answers 202 with one sync per enabled integration that syncs', async () => {
    const a = await createIntegration({ name: 'a' });
    const b = await createIntegration({ name: 'b' });
    await createIntegration({ name: 'off', enabled: false });
    await createIntegration({ name: 'manual', sync_enabled: false });
    const res = await api.call('POST', '/api/v1/integrations/sync-all');
    expect(res.status).toBe(202);
    expect(res.body.syncs.map((s: { integration_id: string }) => s.integration_id).sort()).toEqual([a, b].sort());
  });

  it('reports coalesced for an integration whose sync was already pending', async () => {
    const a = await createIntegration({ name: 'a' });
    const first = await api.call('POST', `/api/v1/integrations/${a}/sync`);
    const res = await api.call('POST', '/api/v1/integrations/sync-all', { sync_type: 'incremental' });
    expect(res.body.syncs).toEqual([{ integration_id: a, sync_id: first.body.sync_id, status: 'pending', coalesced: true }]);
  });

  it('answers 415 to a body that is not JSON', async () => {
    const res = await api.call('POST', '/api/v1/integrations/sync-all', undefined, { raw: 'sync_type=full', contentType: 'text/plain' });
    expect(res.status).toBe(415);
  });
});

describe('reading sync history', () => {
  it('lists an integration\'s syncs newest first', async () => {
    const id = await createIntegration();
    await insertSync(id, 'SYN-AAAAAAAAAAA1', 'completed', '2026-12-01T10:00:00Z');
    await insertSync(id, 'SYN-AAAAAAAAAAA3', 'failed', '2026-12-03T10:00:00Z');
    await insertSync(id, 'SYN-AAAAAAAAAAA2', 'completed', '2026-12-02T10:00:00Z');
    const res = await api.call('GET', `/api/v1/integrations/${id}/syncs`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((s: { id: string }) => s.id)).toEqual(['SYN-AAAAAAAAAAA3', 'SYN-AAAAAAAAAAA2', 'SYN-AAAAAAAAAAA1']);
    expect(res.body.total).toBe(3);
  });

  it('filters syncs by status', async () => {
    const id = await createIntegration();
    await insertSync(id, 'SYN-BBBBBBBBBBB1', 'completed', '2026-12-01T10:00:00Z');
    await insertSync(id, 'SYN-BBBBBBBBBBB2', 'failed', '2026-12-02T10:00:00Z');
    const res = await api.call('GET', `/api/v1/integrations/${id}/syncs?status=failed`);
    expect(res.body.items.map((s: { id: string }) => s.id)).toEqual(['SYN-BBBBBBBBBBB2']);
  });

  it('shows one sync with its counts in snake_case and without the checkpoint', async () => {
    const id = await createIntegration();
    await insertSync(id, 'SYN-CCCCCCCCCCC1', 'completed', '2026-12-01T10:00:00Z');
    const res = await api.call('GET', '/api/v1/syncs/SYN-CCCCCCCCCCC1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'SYN-CCCCCCCCCCC1', integration_id: id, status: 'completed', duration_ms: 1000, items_processed: 10, entity_counts: {} });
    expect(res.body).not.toHaveProperty('checkpoint');
  });
});
