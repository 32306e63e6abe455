import { kandjiExample, startApiHarness, type ApiHarness } from '../testing/api-harness';

let api: ApiHarness;
let kandjiId: string;
let oktaId: string;

async function insertDevice(id: string, serial: string, hostname: string, compliant: boolean, filevault: boolean | null): Promise<void> {
  await api.db.dataSource.query(
    `INSERT INTO devices (id, correlation_key, serial_number, name, hostname, platform, os_name, is_compliant, filevault_enabled)
     VALUES ($1, $2, $3, $4, $5, 'macOS', 'macOS', $6, $7)`,
    [id, `serial:${serial}`, serial, `${hostname} laptop`, hostname, compliant, filevault],
  );
}

async function insertMapping(integrationId: string, type: string, entityId: string, externalId: string, active = true): Promise<void> {
  await api.db.dataSource.query(
    `INSERT INTO integration_mappings (integration_id, platform_entity_type, platform_entity_id, external_entity_type, external_entity_id, external_entity_name, active, content_hash, attributes)
     VALUES ($1, $2, $3, $2, $4, $4, $5, 'h', $6)`,
    [integrationId, type, entityId, externalId, active, JSON.stringify({ source_serial: externalId })],
  );
}

beforeAll(async () => {
  api = await startApiHarness('apiinventory');
  kandjiId = (await api.call('POST', '/api/v1/integrations', kandjiExample())).body.id;
  oktaId = (await api.call('POST', '/api/v1/integrations', { ...kandjiExample(), name: 'Okta', integration_type: 'okta', auth_type: 'api_key' })).body.id;
  await insertDevice('DEV-000000000001', 'C02AAA111', 'ava-mbp', true, true);
  await insertDevice('DEV-000000000002', 'C02BBB222', 'ben-mbp', false, false);
  await insertDevice('DEV-000000000003', 'C02CCC333', 'cara-imac', true, null);
  await insertMapping(kandjiId, 'device', 'DEV-000000000001', 'k-1');
  await insertMapping(oktaId, 'device', 'DEV-000000000001', 'o-1');
  await insertMapping(kandjiId, 'device', 'DEV-000000000002', 'k-2');
  await insertMapping(oktaId, 'device', 'DEV-000000000003', 'o-3', false);
  await api.db.dataSource.query(
    `INSERT INTO users (id, correlation_key, email, name, department) VALUES
       ('USR-000000000001', 'email:ava@example.com', 'ava@example.com', 'Ava', 'Engineering'),
       ('USR-000000000002', 'email:ben@example.com', 'ben@example.com', 'Ben', 'Sales')`,
  );
  await insertMapping(oktaId, 'user', 'USR-000000000001', 'okta-u1');
  await api.db.dataSource.query(
    `INSERT INTO integration_syncs (id, integration_id, sync_type, status, completed_at, duration_ms, items_processed, items_created, items_failed) VALUES
       ('SYN-000000000001', $1, 'full', 'completed', now(), 1000, 10, 4, 0),
       ('SYN-000000000002', $1, 'full', 'completed', now(), 3000, 20, 1, 2),
       ('SYN-000000000003', $2, 'full', 'failed', now(), 500, 5, 0, 5)`,
    [kandjiId, oktaId],
  );
});

afterAll(async () => {
  await api.close();
});

function ids(res: { body: { items: Array<{ id: string }> } }): string[] {
  return res.body.items.map((i) => i.id);
}

describe('listing devices', () => {
  it('lists every device ordered by id with the total', async () => {
    const res = await api.call('GET', '/api/v1/devices');
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual(['DEV-000000000001', 'DEV-000000000002', 'DEV-000000000003']);
    expect(res.body.total).toBe(3);
  });

  it('includes each device\'s mappings with the integration type', async () => {
    const res = await api.call('GET', '/api/v1/devices?serial_number=C02AAA111');
    const mappings = res.body.items[0].mappings;
    expect(mappings).toHaveLength(2);
    expect(mappings).toEqual(expect.arrayContaining([
      expect.objectContaining({ integration_id: kandjiId, integration_type: 'kandji', external_entity_type: 'device', external_entity_id: 'k-1', active: true }),
      expect.objectContaining({ integration_id: oktaId, integration_type: 'okta', external_entity_id: 'o-1' }),
    ]));
  });

  it('filters by is_compliant=false', async () => {
    expect(ids(await api.call('GET', '/api/v1/devices?is_compliant=false'))).toEqual(['DEV-000000000002']);
  });

  it('filters by filevault_enabled=true', async () => {
    expect(ids(await api.call('GET', '/api/v1/devices?filevault_enabled=true'))).toEqual(['DEV-000000000001']);
  });

  it('filters by a hostname substring, case-insensitively', async () => {
    expect(ids(await api.call('GET', '/api/v1/devices?hostname=MBP'))).toEqual(['DEV-000000000001', 'DEV-000000000002']);
  });

  it('treats % in a search as a literal character', async () => {
    expect(ids(await api.call('GET', '/api/v1/devices?q=%25'))).toEqual([]);
  });

  it('filters by q across name, hostname and serial', async () => {
    expect(ids(await api.call('GET', '/api/v1/devices?q=ccc333'))).toEqual(['DEV-000000000003']);
  });

  it('filters by integration_id to devices with an active mapping there', async () => {
    expect(ids(await api.call('GET', `/api/v1/devices?integration_id=${oktaId}`))).toEqual(['DEV-000000000001']);
  });

  it('pages with page and page_size', async () => {
    const res = await api.call('GET', '/api/v1/devices?page=2&page_size=2');
    expect(ids(res)).toEqual(['DEV-000000000003']);
    expect(res.body).toMatchObject({ page: 2, page_size: 2, total: 3 });
  });

  it('answers 400 to a page size above 500', async () => {
    expect((await api.call('GET', '/api/v1/devices?page_size=501')).status).toBe(400);
  });

  it('answers 400 naming an unknown filter', async () => {
    const res = await api.call('GET', '/api/v1/devices?colour=blue');
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('colour');
  });
});

describe('reading one device or user', () => {
  it('shows a device with every source\'s attributes', async () => {
    const res = await api.call('GET', '/api/v1/devices/DEV-000000000001');
    expect(res.status).toBe(200);
    expect(res.body.serial_number).toBe('C02AAA111');
    expect(res.body.mappings.map((m: { attributes: unknown }) => m.attributes)).toEqual(expect.arrayContaining([{ source_serial: 'k-1' }, { source_serial: 'o-1' }]));
  });

  it('answers 404 for an unknown device', async () => {
    expect((await api.call('GET', '/api/v1/devices/DEV-XXXXXXXXXXXX')).status).toBe(404);
  });

  it('shows a user with its mappings', async () => {
    const res = await api.call('GET', '/api/v1/users/USR-000000000001');
    expect(res.body).toMatchObject({ email: 'ava@example.com', mappings: [expect.objectContaining({ external_entity_id: 'okta-u1' })] });
  });

  it('answers 404 for an unknown user', async () => {
    expect((await api.call('GET', '/api/v1/users/USR-XXXXXXXXXXXX')).status).toBe(404);
  });
});

describe('listing users, policies, detections and mappings', () => {
  it('filters users by email case-insensitively', async () => {
    expect(ids(await api.call('GET', '/api/v1/users?email=BEN@example.com'))).toEqual(['USR-000000000002']);
  });

  it('filters users by department', async () => {
    expect(ids(await api.call('GET', '/api/v1/users?department=Engineering'))).toEqual(['USR-000000000001']);
  });

  it('answers an empty page of policies', async () => {
    expect((await api.call('GET', '/api/v1/policies?policy_type=blueprint')).body).toEqual({ items: [], page: 1, page_size: 50, total: 0 });
  });

  it('answers an empty page of detections for a severity', async () => {
    expect((await api.call('GET', '/api/v1/detections?severity=critical')).body.total).toBe(0);
  });

  it('lists an integration\'s inactive mappings', async () => {
    const res = await api.call('GET', `/api/v1/integrations/${oktaId}/mappings?active=false`);
    expect(res.body.items.map((m: { external_entity_id: string }) => m.external_entity_id)).toEqual(['o-3']);
  });

  it('lists an integration\'s mappings of one entity type', async () => {
    const res = await api.call('GET', `/api/v1/integrations/${oktaId}/mappings?entity_type=user`);
    expect(res.body.items.map((m: { platform_entity_id: string }) => m.platform_entity_id)).toEqual(['USR-000000000001']);
  });
});

describe('integration statistics', () => {
  it('totals integrations by type and health', async () => {
    const res = await api.call('GET', '/api/v1/integrations/statistics');
    expect(res.status).toBe(200);
    expect(res.body.totals).toMatchObject({ integrations: 2, integrations_by_type: { kandji: 1, okta: 1 }, integrations_by_health: { unknown: 2 } });
  });

  it('totals syncs by status and items by operation', async () => {
    const res = await api.call('GET', '/api/v1/integrations/statistics');
    expect(res.body.totals.syncs_by_status).toEqual({ completed: 2, failed: 1 });
    expect(res.body.totals.items).toEqual({ processed: 35, created: 5, updated: 0, unchanged: 0, deleted: 0, failed: 7 });
  });

  it('gives the average and p95 duration of finished syncs per integration', async () => {
    const res = await api.call('GET', '/api/v1/integrations/statistics');
    const kandji = res.body.integrations.find((i: { integration_id: string }) => i.integration_id === kandjiId);
    expect(kandji).toMatchObject({ average_duration_ms: 2000, p95_duration_ms: 2900 });
  });

  it('counts active mappings by entity type', async () => {
    const res = await api.call('GET', '/api/v1/integrations/statistics');
    expect(res.body.totals.mappings_by_entity_type).toEqual({ device: 3, user: 1 });
  });
});
