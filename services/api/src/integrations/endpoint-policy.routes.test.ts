import { startApiHarness, kandjiExample, type ApiHarness } from '../testing/api-harness';

// The API as production runs it: no private endpoints, vendor hosts plus the operator's allow-list.
describe('integration endpoints and URL settings under the production outbound policy', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApiHarness('endpointpolicy', { allowPrivateEndpoints: false, endpointAllowlist: ['seraphic.acme.example'] });
  });
  afterAll(async () => api.close());

  it.each([
    ['http://acme.api.kandji.io', 'must use https'],
    ['https://169.254.169.254/latest', 'loopback or private'],
    ['https://2130706433', 'must be a URL address'],
    ['https://acme.api.kandji.io@127.0.0.1', 'URL'],
    ['https://kandji.attacker.example', 'not a known host'],
  ])('refuses the endpoint %s', async (endpoint, why) => {
    const res = await api.call('POST', '/api/v1/integrations', kandjiExample(endpoint));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'endpoint', problems: [expect.stringContaining(why)] }]);
  });

  it('accepts a vendor host, and a host the operator allowed', async () => {
    expect((await api.call('POST', '/api/v1/integrations', kandjiExample('https://acme.api.kandji.io'))).status).toBe(201);
    const seraphic = await api.call('POST', '/api/v1/integrations', { name: 'Seraphic', integration_type: 'seraphic', endpoint: 'https://seraphic.acme.example', auth_type: 'api_key', credentials: { api_key: 'seraphic-key-0001' } });
    expect(seraphic.status).toBe(201);
  });

  it('checks URLs inside settings like the endpoint (a Seraphic events feed on loopback, a Zscaler token URL, a vanity name that is not one label)', async () => {
    const seraphic = await api.call('POST', '/api/v1/integrations', { name: 'Seraphic 2', integration_type: 'seraphic', endpoint: 'https://seraphic.acme.example', auth_type: 'api_key', credentials: { api_key: 'seraphic-key-0002' }, settings: { eventsUrl: 'https://127.0.0.1/feed' } });
    expect([seraphic.status, seraphic.body.error.details[0].field]).toEqual([400, 'settings.eventsUrl']);
    const zscaler = await api.call('POST', '/api/v1/integrations', {
      name: 'Zscaler', integration_type: 'zscaler', endpoint: 'https://zsapi.zscaler.net', auth_type: 'oauth2', credentials: { client_id: 'c', client_secret: 'zscaler-secret-0001' },
      settings: { authGeneration: 'oneapi', tokenUrl: 'https://10.0.0.5/oauth2/v1/token', vanityDomain: '127.0.0.1/x?' },
    });
    expect(zscaler.status).toBe(400);
    expect(zscaler.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['settings.tokenUrl', 'settings.vanityDomain']);
  });
});
