import { IntegrationEntity } from '@trustsync/db';
import { startSandbox, type Sandbox } from '@trustsync/vendor-sandbox';
import { kandjiExample, startApiHarness, type ApiHarness } from '../testing/api-harness';

describe('POST /integrations/:id/test after scheduling was stopped automatically', () => {
  let api: ApiHarness;
  let sandbox: Sandbox;
  let id: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ kandji: { token: 'good-kandji-token', devices: 3 }, people: 3 });
    api = await startApiHarness('resume');
    const created = await api.call('POST', '/api/v1/integrations', kandjiExample(`${sandbox.url}/kandji`, 'good-kandji-token'));
    id = created.body.id;
    await api.db.dataSource.getRepository(IntegrationEntity).update({ id }, {
      syncEnabled: false, consecutiveFailures: 20, schedulingDisabledAt: new Date(), schedulingDisabledReason: 'scheduling disabled after 20 consecutive failed syncs; last: boom', healthStatus: 'unhealthy',
    });
  });

  afterAll(async () => {
    await api.close();
    await sandbox.close();
  });

  it('switches scheduling back on when the test succeeds', async () => {
    const res = await api.call('POST', `/api/v1/integrations/${id}/test`);
    const got = await api.call('GET', `/api/v1/integrations/${id}`);
    expect(res.body).toMatchObject({ success: true, scheduling_resumed: true });
    expect(got.body).toMatchObject({ sync_enabled: true, consecutive_failures: 0, scheduling_disabled_at: null, scheduling_disabled_reason: null, health_status: 'healthy' });
  });

  it('reports nothing resumed on a later successful test', async () => {
    const res = await api.call('POST', `/api/v1/integrations/${id}/test`);
    expect(res.body).toMatchObject({ success: true, scheduling_resumed: false });
  });
});
