import { startStack, syncToEnd, type Stack } from './harness';

// The README's promise, through real processes: API → BullMQ → sync worker → Postgres, against the
// Kandji and Falcon simulators.
describe('Kandji and CrowdStrike through the running system', () => {
  let stack: Stack;
  let kandjiId: string;
  const token = 'sandbox-kandji-token';

  beforeAll(async () => {
    stack = await startStack('e2e', { SANDBOX_VENDORS: 'kandji,crowdstrike', SANDBOX_KANDJI_DEVICES: '1200', SANDBOX_CROWDSTRIKE_DEVICES: '400', SANDBOX_PEOPLE: '900' });
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('accepts the original design example configuration and never echoes the token', async () => {
    const res = await stack.call<Record<string, any>>('POST', '/api/v1/integrations', {
      name: 'Kandji MDM',
      integration_type: 'kandji',
      description: 'Kandji device management',
      endpoint: `${stack.sandbox}/kandji`,
      api_version: 'v1',
      auth_type: 'bearer',
      credentials: { api_key: token },
      sync_enabled: true,
      sync_interval_minutes: 60,
      sync_devices: true,
      sync_users: true,
      sync_policies: true,
      push_compliance: true,
      features: ['device_sync', 'compliance_push'],
    });
    kandjiId = res.body.id;

    expect(res.status).toBe(201);
    expect(JSON.stringify(res.body)).not.toContain(token);
    expect(res.body.credential_hints).toEqual({ api_key: `…${token.slice(-4)}` });
  });

  it('completes a full sync of the tenant, visible in the sync history and the device list', async () => {
    const sync = await syncToEnd(stack, kandjiId);
    const history = await stack.call<{ items: Array<{ id: string; status: string }> }>('GET', `/api/v1/integrations/${kandjiId}/syncs`);
    const devices = await stack.call<{ total: number; items: Array<Record<string, any>> }>('GET', `/api/v1/devices?integration_id=${kandjiId}&page_size=5`);
    const users = await stack.call<{ total: number }>('GET', `/api/v1/users?integration_id=${kandjiId}&page_size=1`);
    const policies = await stack.call<{ total: number }>('GET', `/api/v1/policies?integration_id=${kandjiId}&page_size=1`);

    expect(sync.status).toBe('completed');
    expect(sync.entity_counts.device).toMatchObject({ processed: 1200, created: 1200, failed: 0 });
    expect(history.body.items[0]).toMatchObject({ id: sync.id, status: 'completed' });
    expect(devices.body.total).toBe(1200);
    expect(devices.body.items[0].mappings[0]).toMatchObject({ integration_id: kandjiId, external_entity_type: 'device' });
    expect(users.body.total).toBe(900);
    expect(policies.body.total).toBe(12);
  });

  it('reports a second full sync of the unchanged tenant as all unchanged', async () => {
    const sync = await syncToEnd(stack, kandjiId);

    expect(sync.status).toBe('completed');
    expect([sync.items_created, sync.items_updated, sync.items_deleted]).toEqual([0, 0, 0]);
    expect(sync.items_unchanged).toBe(sync.items_processed);
    expect(sync.entity_counts.device_posture.updated).toBe(0);
  });

  it('marks a device removed from Kandji as deleted after the next full sync', async () => {
    const devices = await stack.call<{ items: Array<{ serial_number: string }> }>('GET', `/api/v1/devices?integration_id=${kandjiId}&page_size=1`);
    const serial = devices.body.items[0].serial_number;
    const removed = await fetch(`${stack.sandbox}/_sandbox/kandji/devices/${serial}/remove`, { method: 'POST' });
    expect(removed.ok).toBe(true);

    const sync = await syncToEnd(stack, kandjiId);
    const after = await stack.call<{ items: Array<{ status: string; mappings: Array<{ active: boolean }> }> }>('GET', `/api/v1/devices?serial_number=${serial}`);

    expect(sync.items_deleted).toBe(1);
    expect(after.body.items[0].status).toBe('removed');
    expect(after.body.items[0].mappings[0].active).toBe(false);
  });

  it('merges a Falcon host with the Kandji device of the same serial into one platform device', async () => {
    const created = await stack.call<{ id: string }>('POST', '/api/v1/integrations', {
      name: 'Falcon',
      integration_type: 'crowdstrike',
      endpoint: `${stack.sandbox}/crowdstrike`,
      region: 'us-1',
      auth_type: 'oauth2',
      credentials: { client_id: 'sandbox-falcon-client', client_secret: 'sandbox-falcon-secret' },
    });
    const sync = await syncToEnd(stack, created.body.id);
    const falcon = await stack.call<{ items: Array<{ id: string; serial_number: string }> }>('GET', `/api/v1/devices?integration_id=${created.body.id}&page_size=1&page=3`);
    const device = await stack.call<{ mappings: Array<{ integration_id: string }> }>('GET', `/api/v1/devices/${falcon.body.items[0].id}`);

    expect(sync.status).toBe('completed');
    expect(sync.entity_counts.device.processed).toBe(400);
    expect(device.body.mappings.map((m) => m.integration_id).sort()).toEqual([kandjiId, created.body.id].sort());
  });

  it('never writes a configured secret (API key, vendor tokens, secret key) to any process log', () => {
    // stop() makes the same check for every end-to-end file; here it is a named result.
    expect(stack.leakedSecrets()).toEqual([]);
  });
});
