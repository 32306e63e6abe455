import { ROUTE_ACCESS, queueDashboardAccess } from '../auth/route-policy';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { openApiPath, type RegisteredRoute } from './route-table';
import { THIRD_PARTY_PREFIXES, type DtoClass, type RouteDoc } from './route-docs';

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it); built from validation metadata, so loosely typed. */
export type JsonSchema = Record<string, unknown>;

/** The OpenAPI 3.1 document, in the parts this builder writes. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, Record<string, unknown>> };
  security: Array<Record<string, string[]>>;
  tags: Array<{ name: string }>;
}

// class-validator's ValidationTypes values for @IsOptional/@ValidateIf and @ValidateNested.
const CONDITIONAL = 'conditionalValidation';
const NESTED = 'nestedValidation';

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable machine-readable code (docs/api-errors.md)' },
        message: { type: 'string' },
        details: { description: 'Field problems or ids; never secrets' },
      },
    },
  },
};

// What each class-validator constraint says in JSON Schema terms.
const CONSTRAINTS: Record<string, (c: unknown[]) => JsonSchema> = {
  isString: () => ({ type: 'string' }),
  isNotEmpty: () => ({ minLength: 1 }),
  isInt: () => ({ type: 'integer' }),
  isNumber: () => ({ type: 'number' }),
  isBoolean: () => ({ type: 'boolean' }),
  isArray: () => ({ type: 'array' }),
  isObject: () => ({ type: 'object' }),
  isIn: (c) => ({ enum: c[0] }),
  isISO8601: () => ({ type: 'string', format: 'date-time' }),
  isUrl: () => ({ type: 'string', format: 'uri' }),
  isEmail: () => ({ type: 'string', format: 'email' }),
  isUUID: () => ({ type: 'string', format: 'uuid' }),
  matches: (c) => ({ type: 'string', pattern: c[0] instanceof RegExp ? c[0].source : String(c[0]) }),
  maxLength: (c) => ({ maxLength: c[0] }),
  minLength: (c) => ({ minLength: c[0] }),
  min: (c) => ({ minimum: c[0] }),
  max: (c) => ({ maximum: c[0] }),
  arrayMaxSize: (c) => ({ maxItems: c[0] }),
  arrayMinSize: (c) => ({ minItems: c[0] }),
  isPositive: () => ({ exclusiveMinimum: 0 }),
};

interface PropertyShape {
  schema: JsonSchema;
  required: boolean;
}

function byProperty(cls: DtoClass): Map<string, ValidationMetadata[]> {
  const out = new Map<string, ValidationMetadata[]>();
  for (const m of getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false)) {
    const list = out.get(m.propertyName) ?? [];
    list.push(m);
    out.set(m.propertyName, list);
  }
  return out;
}

function defaultsOf(cls: DtoClass): Record<string, unknown> {
  try {
    return { ...(new cls() as Record<string, unknown>) };
  } catch {
    return {};
  }
}

/** Turns DTO classes into component schemas, each class once. */
class SchemaRegistry {
  readonly schemas: Record<string, JsonSchema> = {};

  refTo(cls: DtoClass): JsonSchema {
    if (!this.schemas[cls.name]) {
      this.schemas[cls.name] = {};
      this.schemas[cls.name] = this.objectSchema(cls);
    }
    return { $ref: `#/components/schemas/${cls.name}` };
  }

  /** The properties of a DTO, each with its schema and whether it must be given. */
  properties(cls: DtoClass): Map<string, PropertyShape> {
    const defaults = defaultsOf(cls);
    const out = new Map<string, PropertyShape>();
    for (const [name, metas] of byProperty(cls)) {
      const schema: JsonSchema = {};
      const items: JsonSchema = {};
      let optional = false;
      let nullable = false;
      for (const m of metas) {
        if (m.type === CONDITIONAL) {
          optional = true;
          nullable ||= m.name === 'isOptional';
        } else if (m.type === NESTED) {
          const target = defaultMetadataStorage.findTypeMetadata(cls, name)?.typeFunction() as DtoClass | undefined;
          if (target) Object.assign(m.each ? items : schema, this.refTo(target));
        } else if (m.name && CONSTRAINTS[m.name]) {
          Object.assign(m.each ? items : schema, CONSTRAINTS[m.name](m.constraints ?? []));
        }
      }
      if (Object.keys(items).length > 0) schema.items = items;
      if (nullable && typeof schema.type === 'string') schema.type = [schema.type, 'null'];
      if (defaults[name] !== undefined) schema.default = defaults[name];
      out.set(name, { schema, required: !optional });
    }
    return out;
  }

  private objectSchema(cls: DtoClass): JsonSchema {
    const props = this.properties(cls);
    const required = [...props].filter(([, p]) => p.required).map(([n]) => n);
    return {
      type: 'object',
      // The API rejects unknown fields by name (forbidNonWhitelisted).
      additionalProperties: false,
      properties: Object.fromEntries([...props].map(([n, p]) => [n, p.schema])),
      ...(required.length > 0 ? { required } : {}),
    };
  }
}

function operationId(method: string, path: string): string {
  const words = path.split('/').filter((w) => w && w !== 'api' && w !== 'v1').map((w) => w.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase()));
  return [method.toLowerCase(), ...words.map((w) => w.charAt(0).toUpperCase() + w.slice(1))].join('');
}

function isThirdParty(path: string): boolean {
  return THIRD_PARTY_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

/**
 * The OpenAPI 3.1 document of the routes the app registers: parameters and bodies come from
 * the class-validator (and class-transformer `@Type`) metadata of the DTOs each route validates
 * with, so the document and the validation cannot disagree.
 */
export function buildOpenApi(routes: RegisteredRoute[], docs: Record<string, RouteDoc>, version: string): OpenApiDocument {
  const registry = new SchemaRegistry();
  const paths: OpenApiDocument['paths'] = {};
  const tags = new Set<string>();
  for (const route of routes) {
    const doc = docs[`${route.method} ${route.path}`];
    const { path, params } = openApiPath(route.path);
    const tag = doc?.tag ?? (isThirdParty(route.path) ? 'queue dashboard' : 'undocumented');
    tags.add(tag);
    const parameters: Array<Record<string, unknown>> = params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
    if (doc?.query) {
      for (const [name, p] of registry.properties(doc.query)) parameters.push({ name, in: 'query', required: p.required, schema: p.schema });
    }
    const status = String(doc?.status ?? 200);
    const operation: Record<string, unknown> = {
      operationId: operationId(route.method, path),
      summary: doc?.summary ?? (isThirdParty(route.path) ? 'Bull Board (third-party UI)' : 'Not described yet'),
      tags: [tag],
      responses: {
        [status]: status === '204' ? { description: 'No content' } : { description: 'Success', content: { [doc?.produces ?? 'application/json']: { schema: {} } } },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } } },
      },
    };
    const access = ROUTE_ACCESS[`${route.method} ${route.path}`] ?? (isThirdParty(route.path) ? queueDashboardAccess(route.method) : undefined);
    if (access === 'public') operation.security = [];
    else operation['x-required-role'] = access ?? 'admin';
    if (parameters.length > 0) operation.parameters = parameters;
    if (doc?.body) operation.requestBody = { required: true, content: { 'application/json': { schema: registry.refTo(doc.body) } } };
    if (doc?.rawBody) operation.requestBody = { required: true, content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } };
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'TrustSync API',
      version,
      description: 'Integration layer between the zero-trust platform and Kandji, Zscaler, Seraphic, Okta and CrowdStrike Falcon. Errors always have the shape {error: {code, message, details}}.',
    },
    paths,
    components: {
      schemas: { ...registry.schemas, ErrorResponse: ERROR_SCHEMA },
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key (`tsk_…`); its role (viewer, operator, admin) is named on each operation as x-required-role.' } },
    },
    security: [{ apiKey: [] }],
    tags: [...tags].sort().map((name) => ({ name })),
  };
}
