import express from 'express';
import { openApiProblems } from '../testing/openapi-structure.check';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';
import { createApp } from '../app';
import { ROUTE_DOCS, THIRD_PARTY_PREFIXES } from './route-docs';
import { openApiPath, registeredRoutes } from './route-table';

describe('registeredRoutes', () => {
  it('finds routes of nested routers with their mount paths', () => {
    const app = express();
    const inner = express.Router();
    inner.get('/things/:id', (_req, res) => void res.end());
    const outer = express.Router();
    outer.use(inner);
    app.use('/api/v1', outer);
    app.post('/top', (_req, res) => void res.end());
    expect(registeredRoutes(app)).toEqual([
      { method: 'GET', path: '/api/v1/things/:id' },
      { method: 'POST', path: '/top' },
    ]);
  });
});

describe('GET /api/docs', () => {
  let api: ApiHarness;
  let doc: Record<string, any>;

  beforeAll(async () => {
    api = await startApiHarness('openapi');
    doc = (await api.call('GET', '/api/docs')).body;
  });
  afterAll(async () => api.close());

  it('passes the OpenAPI 3.1 structural check', () => {
    expect(openApiProblems(doc)).toEqual([]);
  });

  it('lists every route the app registers', () => {
    const app = createApp(api.deps);
    const missing = registeredRoutes(app)
      .map((r) => ({ method: r.method.toLowerCase(), path: openApiPath(r.path).path }))
      .filter((r) => !doc.paths[r.path]?.[r.method]);
    expect(missing).toEqual([]);
  });

  it('describes every route the app registers, apart from the third-party queue dashboard', () => {
    const undocumented = registeredRoutes(createApp(api.deps))
      .filter((r) => !THIRD_PARTY_PREFIXES.some((p) => r.path.startsWith(p)))
      .map((r) => `${r.method} ${r.path}`)
      .filter((key) => !ROUTE_DOCS[key]);
    expect(undocumented).toEqual([]);
  });

  it('names no route the app does not register', () => {
    const registered = new Set(registeredRoutes(createApp(api.deps)).map((r) => `${r.method} ${r.path}`));
    expect(Object.keys(ROUTE_DOCS).filter((key) => !registered.has(key))).toEqual([]);
  });

  it('takes the create-integration body from the DTO the route validates with', () => {
    const schema = doc.components.schemas.CreateIntegrationDto;
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'integration_type']));
    expect(schema.properties.integration_type.enum).toEqual(['kandji', 'zscaler', 'seraphic', 'okta', 'crowdstrike']);
    expect(schema.properties.sync_interval_minutes).toMatchObject({ type: 'integer', minimum: 1, maximum: 10080 });
    expect(schema.properties.credentials).toEqual({ $ref: '#/components/schemas/CredentialsDto', type: 'object' });
  });

  it('takes query parameters and their defaults from the query DTO', () => {
    const params = doc.paths['/api/v1/integrations'].get.parameters;
    expect(params.find((p: { name: string }) => p.name === 'page_size')).toMatchObject({ in: 'query', required: false, schema: { maximum: 200, default: 50 } });
  });

  it('is caught by the structural check when a $ref points nowhere', () => {
    const broken = JSON.parse(JSON.stringify(doc));
    broken.paths['/api/v1/integrations'].post.requestBody.content['application/json'].schema.$ref = '#/components/schemas/Nope';
    expect(openApiProblems(broken)).toEqual(['.paths./api/v1/integrations.post.requestBody.content.application/json.schema: $ref #/components/schemas/Nope does not resolve']);
  });
});
