import { IntegrationEntity } from '@trustsync/db';
import { kandjiExample, startApiHarness, type ApiHarness } from '../testing/api-harness';

describe('freshness on GET /integrations', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApiHarness('freshness');
  });
  afterAll(async () => api.close());

  async function withLastSuccess(name: string, minutesAgo: number, interval = 60): Promise<string> {
    const created = await api.call('POST', '/api/v1/integrations', { ...kandjiExample(), name, sync_interval_minutes: interval });
    await api.db.dataSource.getRepository(IntegrationEntity).update({ id: created.body.id }, { lastSuccessAt: new Date(Date.now() - minutesAgo * 60_000) });
    return created.body.id;
  }

  it('flags an integration whose last success is older than twice its interval', async () => {
    const id = await withLastSuccess('stale', 150);
    const list = await api.call('GET', '/api/v1/integrations');
    const row = list.body.items.find((i: { id: string }) => i.id === id);
    expect(row.freshness).toMatchObject({ target_seconds: 7200, breached: true });
    expect(row.freshness.stale_seconds).toBeGreaterThanOrEqual(9000);
  });

  it('does not flag an integration synced within its target', async () => {
    const id = await withLastSuccess('fresh', 30);
    const row = (await api.call('GET', `/api/v1/integrations/${id}`)).body;
    expect(row.freshness).toMatchObject({ target_seconds: 7200, breached: false });
  });
});
