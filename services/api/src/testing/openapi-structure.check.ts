import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the OpenAPI validator says of a document: `errors` is empty exactly when `valid` is true. */
export interface OpenApiValidation {
  valid: boolean;
  /** The OpenAPI version the validator recognised (`3.1`), when it recognised one. */
  version?: string;
  errors: unknown[];
}

// @seriousme/openapi-schema-validator is ESM-only and Jest runs tests as CommonJS, so it runs in a
// child node. Its OpenAPI 3.1 schema types every Schema Object only as "object or boolean", so the
// script also checks each one against the JSON Schema 2020-12 meta-schema and compiles it (which
// resolves its $refs and compiles its patterns), with the ajv the validator itself depends on.
const VALIDATE_SCRIPT = `
import { createRequire } from 'node:module';
const { Validator } = await import('@seriousme/openapi-schema-validator');
const { default: Ajv2020 } = createRequire(import.meta.resolve('@seriousme/openapi-schema-validator'))('ajv/dist/2020.js');
const validator = new Validator();
const result = await validator.validate(process.argv[1]);
const errors = result.valid ? [] : [].concat(result.errors ?? 'invalid, no reason given');
if (result.valid) {
  const doc = validator.specification;
  const DOCUMENT_ID = 'https://trustsync.invalid/openapi.json';
  const pointer = (...parts) => '/' + parts.map((p) => String(p).replace(/~/g, '~0').replace(/\\//g, '~1')).join('/');
  const schemas = Object.entries(doc.components?.schemas ?? {}).map(([name, s]) => [pointer('components', 'schemas', name), s]);
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      (op.parameters ?? []).forEach((p, i) => p.schema !== undefined && schemas.push([pointer('paths', path, method, 'parameters', i, 'schema'), p.schema]));
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) if (media.schema !== undefined) schemas.push([pointer('paths', path, method, 'requestBody', 'content', type, 'schema'), media.schema]);
      for (const [code, response] of Object.entries(op.responses ?? {})) {
        for (const [type, media] of Object.entries(response.content ?? {})) if (media.schema !== undefined) schemas.push([pointer('paths', path, method, 'responses', code, 'content', type, 'schema'), media.schema]);
      }
    }
  }
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  ajv.addSchema(doc, DOCUMENT_ID);
  for (const [at, schema] of schemas) {
    if (!ajv.validateSchema(schema)) for (const e of ajv.errors) errors.push({ ...e, instancePath: at + e.instancePath });
    try {
      if (!ajv.getSchema(DOCUMENT_ID + '#' + at)) errors.push({ instancePath: at, message: 'the schema could not be compiled from its place in the document' });
    } catch (err) {
      errors.push({ instancePath: at, message: String(err?.message ?? err) });
    }
  }
}
process.stdout.write(JSON.stringify({ valid: errors.length === 0, version: validator.version, errors }));
`;

/**
 * Validates `doc` with @seriousme/openapi-schema-validator (the OpenAPI 3.1 JSON Schema plus its
 * `$ref` resolution) and every Schema Object in it against the JSON Schema 2020-12 meta-schema.
 */
export function validateOpenApi(doc: unknown): OpenApiValidation {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    let out: string;
    try {
      // cwd here so the script's bare import resolves through this repository's node_modules.
      out = execFileSync(process.execPath, ['--input-type=module', '-e', VALIDATE_SCRIPT, file], { cwd: __dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      throw new Error(`the OpenAPI validator process failed: ${String((err as { stderr?: string }).stderr ?? err)}`);
    }
    return JSON.parse(out) as OpenApiValidation;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The rules of the OpenAPI specification that its JSON Schema cannot express (unique operation
 * ids, path templates matching path parameters, no parameter twice), plus two of ours: no express
 * syntax left in a path, and every operation tag declared. Empty when `doc` keeps them all.
 */
export function openApiRuleProblems(doc: unknown): string[] {
  if (!isObject(doc) || !isObject(doc.paths)) return ['paths must be an object'];
  const problems: string[] = [];
  const declaredTags = new Set(Array.isArray(doc.tags) ? doc.tags.map((t) => (isObject(t) ? t.name : undefined)) : []);
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    if (/[:*]/.test(path)) problems.push(`${path}: express syntax left in the path`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    if (!isObject(item)) continue;
    for (const [method, op] of Object.entries(item)) {
      if (!isObject(op)) continue;
      const at = `${method.toUpperCase()} ${path}`;
      if (typeof op.operationId === 'string') {
        if (operationIds.has(op.operationId)) problems.push(`${at}: operationId ${op.operationId} is not unique`);
        operationIds.add(op.operationId);
      }
      for (const t of Array.isArray(op.tags) ? op.tags : []) if (!declaredTags.has(t)) problems.push(`${at}: tag ${String(t)} is not declared`);
      const seen = new Set<string>();
      for (const p of Array.isArray(op.parameters) ? op.parameters : []) {
        if (!isObject(p)) continue;
        if (seen.has(`${String(p.in)}:${String(p.name)}`)) problems.push(`${at}: parameter ${String(p.name)} twice`);
        seen.add(`${String(p.in)}:${String(p.name)}`);
        if (p.in === 'path' && !templated.includes(p.name as string)) problems.push(`${at}: path parameter ${String(p.name)} is not in the path`);
      }
      for (const name of templated) if (!seen.has(`path:${name}`)) problems.push(`${at}: {${name}} has no path parameter`);
    }
  }
  return problems;
}
