/**
 * A small JSON Schema subset (type, required, properties, additionalProperties, items, enum,
 * pattern, minimum, anyOf): enough to check rendered manifests and compose files without a
 * schema package in the tree.
 */
export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  minItems?: number;
  anyOf?: Schema[];
}

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Every violation of `schema` by `value`, as `path: problem` lines (empty when valid). */
export function validate(value: unknown, schema: Schema, path = '$'): string[] {
  const errors: string[] = [];
  if (schema.anyOf) {
    const ok = schema.anyOf.some((s) => validate(value, s, path).length === 0);
    if (!ok) errors.push(`${path}: matches none of ${schema.anyOf.length} alternatives`);
  }
  if (schema.type) {
    const t = typeOf(value);
    if (t !== schema.type && !(schema.type === 'number' && t === 'integer')) return [...errors, `${path}: expected ${schema.type}, got ${t}`];
  }
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  if (schema.pattern && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: "${value}" does not match ${schema.pattern}`);
  if (schema.minimum !== undefined && typeof value === 'number' && value < schema.minimum) errors.push(`${path}: ${value} < ${schema.minimum}`);
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path}: fewer than ${schema.minItems} items`);
    if (schema.items) value.forEach((v, i) => errors.push(...validate(v, schema.items!, `${path}[${i}]`)));
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in obj)) errors.push(`${path}: missing ${r}`);
    for (const [k, v] of Object.entries(obj)) {
      const sub = schema.properties?.[k];
      if (sub) errors.push(...validate(v, sub, `${path}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected ${k}`);
      else if (typeof schema.additionalProperties === 'object') errors.push(...validate(v, schema.additionalProperties, `${path}.${k}`));
    }
  }
  return errors;
}

/** Parses YAML with the js-yaml that is already in node_modules (a transitive dependency; see the report). */
export function parseYaml(text: string): unknown[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml = require('js-yaml') as { safeLoadAll(text: string): unknown[] };
  return yaml.safeLoadAll(text).filter((d) => d !== null && d !== undefined);
}
