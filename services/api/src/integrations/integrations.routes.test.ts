import { IntegrationEntity } from '@trustsync/db';
import { kandjiExample, startApiHarness, type ApiHarness } from '../testing/api-harness';

const TOKEN = 'kandji-token-7f3a9c2e5b1d8k3Xz';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness('apiintegrations');
});

afterAll(async () => {
  await api.close();
});

afterEach(async () => {
  await api.db.dataSource.query('DELETE FROM integrations');
});

async function createKandji(overrides: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await api.call('POST', '/api/v1/integrations', { ...kandjiExample(undefined, TOKEN), ...overrides });
  expect({ status: res.status, error: res.body.error }).toEqual({ status: 201, error: undefined });
  return res.body;
}

describe('creating, reading, updating and deleting integrations', () => {
  it('accepts the original design\'s Kandji example with 201 and returns the view', async () => {
    const res = await api.call('POST', '/api/v1/integrations', kandjiExample());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Kandji MDM',
      integration_type: 'kandji',
      endpoint: 'https://yourcompany.api.kandji.io',
      sync_interval_minutes: 60,
      features: ['device_sync', 'compliance_push'],
      health_status: 'unknown',
      total_syncs: 0,
      credential_hints: { api_key: '…oken' },
    });
    expect(res.body.id).toMatch(/^INT-[0-9A-Z]{12}$/);
  });

  it('never returns the token in the create, get, list or update responses', async () => {
    const created = await api.call('POST', '/api/v1/integrations', kandjiExample(undefined, TOKEN));
    const got = await api.call('GET', `/api/v1/integrations/${created.body.id}`);
    const list = await api.call('GET', '/api/v1/integrations');
    const put = await api.call('PUT', `/api/v1/integrations/${created.body.id}`, { description: 'changed' });
    for (const res of [created, got, list, put]) {
      expect(res.status).toBeLessThan(300);
      expect(res.text).not.toContain(TOKEN);
      expect(res.text).not.toContain('credentials_sealed');
    }
    expect(got.body.credential_hints).toEqual({ api_key: '…k3Xz' });
  });

  it('stores the credentials sealed, not as plaintext', async () => {
    const created = await createKandji();
    const [row] = await api.db.dataSource.query('SELECT credentials_sealed, credential_hints FROM integrations WHERE id = $1', [created.id]);
    expect(row.credentials_sealed).toMatch(/^v1:test:/);
    expect(row.credentials_sealed).not.toContain(TOKEN);
    expect(JSON.stringify(row.credential_hints)).not.toContain(TOKEN);
  });

  it('masks the webhook secret as a hint', async () => {
    const created = await createKandji({ webhook_enabled: true, webhook_secret: 'whsec-0123456789abcdef' });
    expect(created.webhook_secret_hint).toBe('…cdef');
    expect(JSON.stringify(created)).not.toContain('whsec-0123456789abcdef');
  });

  it('reads an integration back by id', async () => {
    const created = await createKandji();
    const res = await api.call('GET', `/api/v1/integrations/${created.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(created);
  });

  it('lists integrations filtered by type and enabled, with paging', async () => {
    await createKandji({ name: 'one' });
    await createKandji({ name: 'two', enabled: false });
    await createKandji({ name: 'three', integration_type: 'okta', auth_type: 'api_key' });
    const res = await api.call('GET', '/api/v1/integrations?integration_type=kandji&enabled=true&page=1&page_size=10');
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { name: string }) => i.name)).toEqual(['one']);
    expect(res.body).toMatchObject({ page: 1, page_size: 10, total: 1 });
  });

  it('updates only the fields given and merges credentials per field', async () => {
    const created = await createKandji();
    const res = await api.call('PUT', `/api/v1/integrations/${created.id}`, { sync_interval_minutes: 15, credentials: { api_secret: 'second-secret-value-9Qw' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sync_interval_minutes: 15, name: 'Kandji MDM', credential_hints: { api_key: '…k3Xz', api_secret: '…-9Qw' } });
    const entity = await api.db.dataSource.getRepository(IntegrationEntity).findOneByOrFail({ id: created.id });
    expect(JSON.parse(api.box.open(entity.credentialsSealed!))).toEqual({ api_key: TOKEN, api_secret: 'second-secret-value-9Qw' });
  });

  it('deletes an integration with 204 and its syncs with it', async () => {
    const created = await createKandji();
    await api.call('POST', `/api/v1/integrations/${created.id}/sync`);
    const res = await api.call('DELETE', `/api/v1/integrations/${created.id}`);
    expect(res.status).toBe(204);
    expect((await api.call('GET', `/api/v1/integrations/${created.id}`)).status).toBe(404);
    const [{ n }] = await api.db.dataSource.query('SELECT count(*)::int AS n FROM integration_syncs WHERE integration_id = $1', [created.id]);
    expect(n).toBe(0);
  });
});

describe('refusing bad integration input', () => {
  function fieldsOf(res: { body: { error: { details: Array<{ field: string }> } } }): string[] {
    return res.body.error.details.map((d) => d.field);
  }

  it('answers 400 naming name when it is missing', async () => {
    const { name, ...body } = kandjiExample();
    const res = await api.call('POST', '/api/v1/integrations', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(fieldsOf(res)).toEqual(['name']);
  });

  it('answers 400 naming sync_interval_minutes when it has the wrong type', async () => {
    const res = await api.call('POST', '/api/v1/integrations', { ...kandjiExample(), sync_interval_minutes: '60' });
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual(['sync_interval_minutes']);
  });

  it('answers 400 naming sync_interval_minutes when it is above a week', async () => {
    const res = await api.call('POST', '/api/v1/integrations', { ...kandjiExample(), sync_interval_minutes: 10_081 });
    expect(fieldsOf(res)).toEqual(['sync_interval_minutes']);
  });

  it('answers 400 naming an unknown field', async () => {
    const res = await api.call('POST', '/api/v1/integrations', { ...kandjiExample(), colour: 'blue' });
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual(['colour']);
  });

  it('answers 400 with a dotted path for an unknown credential field', async () => {
    const res = await api.call('POST', '/api/v1/integrations', { ...kandjiExample(), credentials: { api_key: TOKEN, pin: '1234' } });
    expect(fieldsOf(res)).toEqual(['credentials.pin']);
  });

  it('answers 400 naming credentials when none are given', async () => {
    const res = await api.call('POST', '/api/v1/integrations', { ...kandjiExample(), credentials: {} });
    expect(fieldsOf(res)).toEqual(['credentials']);
  });

  it('answers 400 naming an auth_type neither the design nor the vendor knows', async () => {
    const res = await api.call('POST', '/api/v1/integrations', { ...kandjiExample(), auth_type: 'kerberos' });
    expect(fieldsOf(res)).toEqual(['auth_type']);
  });

  it('answers 400 naming a bad integration_type', async () => {
    const res = await api.call('POST', '/api/v1/integrations', { ...kandjiExample(), integration_type: 'jamf' });
    expect(fieldsOf(res)).toEqual(['integration_type']);
  });

  it('answers 400 naming the setting the vendor does not accept', async () => {
    const res = await api.call('POST', '/api/v1/integrations', { ...kandjiExample(), settings: { region: 'mars' } });
    expect(fieldsOf(res)).toEqual(['settings.region']);
  });

  it('answers 400 naming an unknown setting', async () => {
    const res = await api.call('POST', '/api/v1/integrations', { ...kandjiExample(), settings: { subdomain_typo: 'acme' } });
    expect(fieldsOf(res)).toEqual(['settings.subdomain_typo']);
  });

  it('answers 400 naming a stats field sent on create', async () => {
    const res = await api.call('POST', '/api/v1/integrations', { ...kandjiExample(), health_status: 'healthy' });
    expect(res.body.error.details).toEqual([{ field: 'health_status', problems: ['health_status is read-only'] }]);
  });

  it('answers 400 naming a stats field sent in a PUT', async () => {
    const created = await createKandji();
    const res = await api.call('PUT', `/api/v1/integrations/${created.id}`, { total_syncs: 99 });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'total_syncs', problems: ['total_syncs is read-only'] }]);
  });

  it('answers 400 to null for a column that cannot be null', async () => {
    const created = await createKandji();
    const res = await api.call('PUT', `/api/v1/integrations/${created.id}`, { sync_enabled: null });
    expect(fieldsOf(res)).toEqual(['sync_enabled']);
  });

  it('answers 400 naming an unknown query parameter', async () => {
    const res = await api.call('GET', '/api/v1/integrations?colour=blue');
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual(['colour']);
  });

  it('answers 400 to a page size above 200', async () => {
    const res = await api.call('GET', '/api/v1/integrations?page_size=201');
    expect(fieldsOf(res)).toEqual(['page_size']);
  });

  it('answers 400 to enabled=yes instead of treating it as true', async () => {
    const res = await api.call('GET', '/api/v1/integrations?enabled=yes');
    expect(fieldsOf(res)).toEqual(['enabled']);
  });

  it('answers 400 invalid_json to a malformed body', async () => {
    const res = await api.call('POST', '/api/v1/integrations', undefined, { raw: '{"name": "Kandji",' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
  });

  it('answers 400 to a JSON array body', async () => {
    const res = await api.call('POST', '/api/v1/integrations', [kandjiExample()]);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });

  it('answers 413 payload_too_large to a body over the limit', async () => {
    const res = await api.call('POST', '/api/v1/integrations', { ...kandjiExample(), description: 'x'.repeat(1_100_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('answers 415 to a body that is not JSON', async () => {
    const res = await api.call('POST', '/api/v1/integrations', undefined, { raw: 'name=Kandji', contentType: 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('answers 409 to a duplicate name', async () => {
    await createKandji();
    const res = await api.call('POST', '/api/v1/integrations', kandjiExample(undefined, TOKEN));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(res.text).not.toContain(TOKEN);
  });

  it('answers 409 to renaming onto a name that is taken', async () => {
    await createKandji({ name: 'first' });
    const second = await createKandji({ name: 'second' });
    const res = await api.call('PUT', `/api/v1/integrations/${second.id}`, { name: 'first' });
    expect(res.status).toBe(409);
  });

  it('answers 400 instead of 500 to a NUL byte Postgres cannot store', async () => {
    const res = await api.call('POST', '/api/v1/integrations', { ...kandjiExample(), description: 'a\u0000b' });
    expect(res.status).toBe(400);
  });

  it('answers 404 route_not_found to an unknown route', async () => {
    const res = await api.call('GET', '/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('route_not_found');
  });

  it.each([
    ['GET', '/api/v1/integrations/INT-000000000000'],
    ['PUT', '/api/v1/integrations/INT-000000000000'],
    ['DELETE', '/api/v1/integrations/INT-000000000000'],
    ['POST', '/api/v1/integrations/INT-000000000000/test'],
    ['POST', '/api/v1/integrations/INT-000000000000/sync'],
    ['GET', '/api/v1/integrations/INT-000000000000/syncs'],
    ['GET', '/api/v1/integrations/INT-000000000000/mappings'],
    ['GET', '/api/v1/syncs/SYN-000000000000'],
  ])('answers 404 not_found to %s %s for an unknown id', async (method, path) => {
    const res = await api.call(method, path, method === 'PUT' ? { description: 'x' } : undefined);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
