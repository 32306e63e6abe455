import express from 'express';
import { openApiRuleProblems, validateOpenApi } from '../testing/openapi-structure.check';
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

  it('is a valid OpenAPI 3.1 document for @seriousme/openapi-schema-validator', () => {
    expect(validateOpenApi(doc)).toEqual({ valid: true, version: '3.1', errors: [] });
  });

  it('keeps the rules the OpenAPI JSON Schema cannot express: unique operation ids, path templates matching path parameters', () => {
    expect(openApiRuleProblems(doc)).toEqual([]);
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

  function brokenCopy(): Record<string, any> {
    return JSON.parse(JSON.stringify(doc));
  }

  it('is rejected by the validator when a path parameter is not required', () => {
    const broken = brokenCopy();
    broken.paths['/api/v1/integrations/{id}'].get.parameters[0].required = false;
    const result = validateOpenApi(broken);
    expect(result.valid).toBe(false);
    expect(result.errors).toContainEqual(expect.objectContaining({ instancePath: '/paths/~1api~1v1~1integrations~1{id}/get/parameters/0/required', keyword: 'const' }));
  });

  it('is rejected by the validator when a response has no description', () => {
    const broken = brokenCopy();
    delete broken.paths['/api/v1/integrations'].get.responses['200'].description;
    const result = validateOpenApi(broken);
    expect(result.valid).toBe(false);
    expect(result.errors).toContainEqual(expect.objectContaining({ instancePath: '/paths/~1api~1v1~1integrations/get/responses/200', keyword: 'required', params: { missingProperty: 'description' } }));
  });

  it('is rejected by the validator when a $ref points nowhere', () => {
    const broken = brokenCopy();
    broken.paths['/api/v1/integrations'].post.requestBody.content['application/json'].schema.$ref = '#/components/schemas/Nope';
    expect(validateOpenApi(broken)).toMatchObject({ valid: false, errors: [expect.stringContaining('#/components/schemas/Nope')] });
  });

  it('is rejected by the validator when a DTO schema is not valid JSON Schema', () => {
    const broken = brokenCopy();
    broken.components.schemas.CreateIntegrationDto.properties.sync_interval_minutes.type = 'int';
    const result = validateOpenApi(broken);
    expect(result.valid).toBe(false);
    expect(result.errors).toContainEqual(expect.objectContaining({ instancePath: '/components/schemas/CreateIntegrationDto/properties/sync_interval_minutes/type' }));
  });

  it('is caught by the rule check when a path template has no path parameter', () => {
    const broken = brokenCopy();
    delete broken.paths['/api/v1/integrations/{id}'].get.parameters;
    expect(openApiRuleProblems(broken)).toEqual(['GET /api/v1/integrations/{id}: {id} has no path parameter']);
  });
});
