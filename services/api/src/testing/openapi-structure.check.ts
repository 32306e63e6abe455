/**
 * A structural check of an OpenAPI 3.1 document, for the parts TrustSync writes. No OpenAPI or
 * JSON Schema validator is installed (no ajv), so this checks the rules of the specification
 * that a generator can get wrong: versions, path templates against path parameters, operation
 * ids, response codes, parameter locations, `$ref` targets and JSON Schema keywords.
 */
type Json = Record<string, unknown>;

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const LOCATIONS = new Set(['query', 'header', 'path', 'cookie']);
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object', 'null']);
const STATUS = /^([1-5]\d\d|[1-5]XX|default)$/;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkSchema(schema: unknown, at: string, problems: string[]): void {
  if (!isObject(schema)) return void problems.push(`${at}: a schema must be an object`);
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  for (const t of types) if (!TYPES.has(t as string)) problems.push(`${at}: unknown type ${String(t)}`);
  if (schema.enum !== undefined && (!Array.isArray(schema.enum) || schema.enum.length === 0)) problems.push(`${at}: enum must be a non-empty array`);
  if (schema.required !== undefined) {
    const props = isObject(schema.properties) ? schema.properties : {};
    if (!Array.isArray(schema.required)) problems.push(`${at}: required must be an array`);
    else for (const r of schema.required) if (!(r in props)) problems.push(`${at}: required field ${String(r)} is not a property`);
  }
  if (schema.pattern !== undefined) {
    try {
      new RegExp(String(schema.pattern), 'u');
    } catch {
      problems.push(`${at}: pattern is not a valid regular expression`);
    }
  }
  if (isObject(schema.properties)) for (const [k, v] of Object.entries(schema.properties)) checkSchema(v, `${at}.properties.${k}`, problems);
  if (schema.items !== undefined) checkSchema(schema.items, `${at}.items`, problems);
}

function collectRefs(value: unknown, at: string, out: Array<{ at: string; ref: string }>): void {
  if (Array.isArray(value)) value.forEach((v, i) => collectRefs(v, `${at}[${i}]`, out));
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push({ at, ref: v });
      else collectRefs(v, `${at}.${k}`, out);
    }
  }
}

/** Every problem found in `doc`; empty when it passes. */
export function openApiProblems(doc: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(doc)) return ['the document must be an object'];
  if (typeof doc.openapi !== 'string' || !/^3\.1\.\d+$/.test(doc.openapi)) problems.push('openapi must be 3.1.x');
  const info = doc.info;
  if (!isObject(info) || typeof info.title !== 'string' || typeof info.version !== 'string') problems.push('info.title and info.version are required strings');
  const declaredTags = new Set(Array.isArray(doc.tags) ? doc.tags.map((t) => (isObject(t) ? t.name : undefined)) : []);
  const operationIds = new Set<string>();
  if (!isObject(doc.paths)) return [...problems, 'paths must be an object'];
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith('/')) problems.push(`${path}: a path must start with /`);
    if (/[:*]/.test(path)) problems.push(`${path}: express syntax left in the path`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    if (!isObject(item)) {
      problems.push(`${path}: a path item must be an object`);
      continue;
    }
    for (const [method, op] of Object.entries(item)) {
      const at = `${method.toUpperCase()} ${path}`;
      if (!METHODS.has(method)) problems.push(`${at}: unknown method`);
      if (!isObject(op)) continue;
      if (typeof op.operationId !== 'string' || operationIds.has(op.operationId)) problems.push(`${at}: operationId missing or not unique`);
      operationIds.add(String(op.operationId));
      for (const t of (op.tags as unknown[]) ?? []) if (!declaredTags.has(t)) problems.push(`${at}: tag ${String(t)} is not declared`);
      const responses = op.responses;
      if (!isObject(responses) || Object.keys(responses).length === 0) problems.push(`${at}: responses are required`);
      else {
        for (const [code, r] of Object.entries(responses)) {
          if (!STATUS.test(code)) problems.push(`${at}: bad response code ${code}`);
          if (!isObject(r) || typeof r.description !== 'string') problems.push(`${at}: response ${code} needs a description`);
        }
      }
      const params = Array.isArray(op.parameters) ? op.parameters : [];
      const seen = new Set<string>();
      for (const p of params) {
        if (!isObject(p) || typeof p.name !== 'string' || !LOCATIONS.has(p.in as string)) {
          problems.push(`${at}: a parameter needs a name and a valid location`);
          continue;
        }
        if (seen.has(`${p.in}:${p.name}`)) problems.push(`${at}: parameter ${p.name} twice`);
        seen.add(`${p.in}:${p.name}`);
        if (p.in === 'path' && (p.required !== true || !templated.includes(p.name))) problems.push(`${at}: path parameter ${p.name} must be required and in the path`);
        checkSchema(p.schema, `${at} parameter ${p.name}`, problems);
      }
      for (const name of templated) if (!seen.has(`path:${name}`)) problems.push(`${at}: {${name}} has no path parameter`);
      if (op.requestBody !== undefined && (!isObject(op.requestBody) || !isObject(op.requestBody.content) || Object.keys(op.requestBody.content).length === 0)) {
        problems.push(`${at}: requestBody needs content`);
      }
    }
  }
  const schemas = isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {};
  for (const [name, s] of Object.entries(schemas)) checkSchema(s, `components.schemas.${name}`, problems);
  const refs: Array<{ at: string; ref: string }> = [];
  collectRefs(doc, '', refs);
  for (const { at, ref } of refs) {
    const m = /^#\/components\/schemas\/(.+)$/.exec(ref);
    if (!m || !(m[1] in schemas)) problems.push(`${at}: $ref ${ref} does not resolve`);
  }
  return problems;
}
