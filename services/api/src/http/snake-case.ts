function toSnake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function toCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A shallow copy with camelCase keys turned to snake_case; undefined values (unloaded relations) are dropped. */
export function snakeKeys(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [toSnake(k), v]));
}

/** A shallow copy with snake_case keys turned to camelCase; undefined values (fields not sent) are dropped. */
export function camelKeys(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [toCamel(k), v]));
}
