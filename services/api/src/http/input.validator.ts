import { Transform, plainToInstance } from 'class-transformer';
import { validate, type ValidationError as ClassValidatorError } from 'class-validator';
import { ValidationError } from '@trustsync/core';

/** The problems of one field; nested fields use dotted paths (`credentials.api_key`). */
export interface FieldProblem {
  field: string;
  problems: string[];
}

const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: false, value: false } };

/** Flattens class-validator's error tree into one entry per bad field. */
export function fieldProblems(errors: ClassValidatorError[], prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out.push({ field, problems: Object.values(e.constraints) });
    if (e.children?.length) out.push(...fieldProblems(e.children, field));
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const MAX_DEPTH = 32;
// Keys that reach an object's prototype when copied or transformed: never data.
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** True when `value` holds objects or arrays nested more than `max` levels deep (walked without recursion). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (next.value === null || typeof next.value !== 'object') continue;
    if (next.depth > max) return true;
    for (const child of Object.values(next.value)) stack.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}

/**
 * Refuses input no DTO can hold before class-transformer walks it: nesting deeper than any field
 * needs (its recursion would overflow the stack) and prototype keys at any depth.
 */
function assertSafeShape(plain: unknown, what: string): void {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: plain, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_DEPTH) throw new ValidationError(`${what} is nested deeper than ${MAX_DEPTH} levels`, [{ field: path || '(root)', problems: [`nested deeper than ${MAX_DEPTH} levels`] }]);
    for (const [key, child] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key)) throw new ValidationError(`invalid ${what}`, [{ field: at, problems: [`${key} is not an allowed field name`] }]);
      stack.push({ value: child, path: at, depth: depth + 1 });
    }
  }
}

/** Validates `plain` against a DTO class and returns the instance and every problem found. */
export async function checkInput<T extends object>(cls: new () => T, plain: unknown, what: string): Promise<{ value: T; problems: FieldProblem[] }> {
  if (!isPlainObject(plain)) throw new ValidationError(`${what} must be a JSON object`);
  assertSafeShape(plain, what);
  // A copy, because express' query object has no prototype and class-transformer expects one.
  const value = plainToInstance(cls, { ...plain });
  return { value, problems: fieldProblems(await validate(value, OPTIONS)) };
}

/** Throws one ValidationError naming every bad field, or does nothing. */
export function rejectProblems(problems: FieldProblem[], what: string): void {
  if (problems.length > 0) throw new ValidationError(`invalid ${what}`, problems.map((p) => ({ field: p.field, problems: p.problems })));
}

/** Validates a request body against a DTO class; unknown fields are rejected by name. */
export async function parseBody<T extends object>(cls: new () => T, body: unknown): Promise<T> {
  const { value, problems } = await checkInput(cls, body ?? {}, 'request body');
  rejectProblems(problems, 'request body');
  return value;
}

/** Validates a query string against a DTO class; unknown parameters are rejected by name. */
export async function parseQuery<T extends object>(cls: new () => T, query: unknown): Promise<T> {
  const { value, problems } = await checkInput(cls, query, 'query string');
  rejectProblems(problems, 'query string');
  return value;
}

/** For routes that take no query parameters: any parameter is an error naming it. */
export function rejectAnyQuery(query: Record<string, unknown>): void {
  rejectProblems(Object.keys(query).map((field) => ({ field, problems: [`query parameter ${field} is not accepted here`] })), 'query string');
}

/** Query-string integer: a string of digits becomes a number; anything else is left for the validators to reject. */
export function QueryInt(): PropertyDecorator {
  return Transform(({ value }) => (typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value));
}

/** Query-string boolean: only `true` and `false` convert (never Boolean("false") === true). */
export function QueryBool(): PropertyDecorator {
  return Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));
}
