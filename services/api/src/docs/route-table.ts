import type { Express } from 'express';

/** One route an express app answers: its method and its express path pattern. */
export interface RegisteredRoute {
  method: string;
  /** Express syntax, e.g. `/api/v1/integrations/:id`. */
  path: string;
}

/** The parts of router layers this walk reads (express 5 / router 2 keep no public type for them). */
interface LayerLike {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
}

function mountPath(layer: LayerLike): string {
  const raw = layer.rawPath;
  return typeof raw === 'string' && raw !== '/' ? raw.replace(/\/$/, '') : '';
}

function walk(stack: LayerLike[], prefix: string, out: RegisteredRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const p of paths) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') out.push({ method: method.toUpperCase(), path: `${prefix}${String(p)}` || '/' });
        }
      }
    } else if (layer.handle?.stack) {
      walk(layer.handle.stack, `${prefix}${mountPath(layer)}`, out);
    }
  }
}

/**
 * Every route registered on the app, read from its router stack at runtime (nested routers
 * included). Middleware that dispatches by itself (a function, not a router) is opaque to it.
 */
export function registeredRoutes(app: Express): RegisteredRoute[] {
  const root = (app as unknown as { router?: { stack: LayerLike[] } }).router;
  const out: RegisteredRoute[] = [];
  walk(root?.stack ?? [], '', out);
  const seen = new Set<string>();
  return out.filter((r) => {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** An express path pattern in OpenAPI form (`/:id` → `/{id}`, `/*splat` → `/{splat}`) with its parameter names. */
export function openApiPath(expressPath: string): { path: string; params: string[] } {
  const params: string[] = [];
  const path = expressPath
    .replace(/[{}]/g, '')
    .replace(/[:*]([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
      params.push(name);
      return `{${name}}`;
    });
  return { path, params };
}
