import type { ApiRole } from '@trustsync/db';

/** Who may call a route: anyone (probes, docs, webhook ingress with its own verification) or a key of at least this role. */
export type RouteAccess = ApiRole | 'public';

/**
 * The minimum role of every route, keyed by `METHOD path` as the app registers it. One table,
 * so the role of a route is read in one place and the route × role test covers all of it. A
 * route missing here needs `admin` (deny by default).
 * Commands that change a device need `admin` even on an operator route (checked in the route).
 */
export const ROUTE_ACCESS: Record<string, RouteAccess> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  // The document describes the API and holds no data; a bearer-only page could not be opened in a browser.
  'GET /api/docs': 'public',
  'GET /api/docs/ui': 'public',
  'GET /api/docs/ui.js': 'public',
  // Vendors authenticate deliveries with the integration's own secret (HMAC or header), checked by the route.
  'POST /api/v1/integrations/webhooks/:id': 'public',
  'GET /api/v1/integrations/webhooks/:id': 'public',

  'GET /metrics': 'viewer',
  'GET /api/v1/queues/metrics': 'viewer',
  'GET /api/v1/integrations/statistics': 'viewer',
  'GET /api/v1/integrations': 'viewer',
  'GET /api/v1/integrations/:id': 'viewer',
  'GET /api/v1/integrations/:id/syncs': 'viewer',
  'GET /api/v1/syncs/:sync_id': 'viewer',
  'GET /api/v1/integrations/:id/mappings': 'viewer',
  'GET /api/v1/devices': 'viewer',
  'GET /api/v1/devices/:id': 'viewer',
  'GET /api/v1/users': 'viewer',
  'GET /api/v1/users/:id': 'viewer',
  'GET /api/v1/policies': 'viewer',
  'GET /api/v1/detections': 'viewer',
  'GET /api/v1/devices/:id/pushes': 'viewer',
  'GET /api/v1/devices/:id/commands': 'viewer',
  'GET /api/v1/commands/:id': 'viewer',
  'GET /api/v1/integrations/:id/pushes': 'viewer',
  'GET /api/v1/pushes/:id': 'viewer',
  'GET /api/v1/integrations/:id/response-rules': 'viewer',
  'GET /api/v1/integrations/:id/response-rules/:ruleId': 'viewer',
  'GET /api/v1/integrations/:id/automatic-actions': 'viewer',
  'GET /api/v1/integrations/:id/events': 'viewer',
  'GET /api/v1/integrations/:id/webhook-rejections': 'viewer',
  'GET /api/v1/integrations/:id/webhook-status': 'viewer',
  'GET /api/v1/events/:event_id': 'viewer',

  'POST /api/v1/integrations/:id/test': 'operator',
  'POST /api/v1/integrations/sync-all': 'operator',
  'POST /api/v1/integrations/:id/sync': 'operator',
  'POST /api/v1/devices/:id/compliance': 'operator',
  'POST /api/v1/devices/:id/risk-score': 'operator',
  'POST /api/v1/devices/:id/commands': 'operator',
  'POST /api/v1/pushes/:id/retry': 'operator',
  'POST /api/v1/events/replay': 'operator',
  'POST /api/v1/events/:event_id/replay': 'operator',

  'POST /api/v1/integrations': 'admin',
  'PUT /api/v1/integrations/:id': 'admin',
  'DELETE /api/v1/integrations/:id': 'admin',
  'POST /api/v1/integrations/:id/response-rules': 'admin',
  'PATCH /api/v1/integrations/:id/response-rules/:ruleId': 'admin',
  'DELETE /api/v1/integrations/:id/response-rules/:ruleId': 'admin',
  'POST /api/v1/devices/:id/actions/contain': 'admin',
  'POST /api/v1/devices/:id/actions/lift-containment': 'admin',
  'POST /api/v1/automatic-actions/:id/undo': 'admin',
  'GET /api/v1/api-keys': 'admin',
  'POST /api/v1/api-keys': 'admin',
  'DELETE /api/v1/api-keys/:id': 'admin',
  'GET /api/v1/audit': 'admin',
};

/** Bull Board: any role may look (GET); its actions (retry, promote, clean, pause …) need admin. */
export function queueDashboardAccess(method: string): RouteAccess {
  return method === 'GET' || method === 'HEAD' ? 'viewer' : 'admin';
}

/** Vendor commands that only ask a device to report or check in; every other command changes the device and needs admin. */
export const OBSERVING_COMMANDS: ReadonlySet<string> = new Set(['blankpush', 'updateinventory']);

/** A route pattern matched against request paths. */
interface CompiledRoute {
  key: string;
  method: string;
  re: RegExp;
  params: string[];
  access: RouteAccess;
}

function compile(key: string, access: RouteAccess): CompiledRoute {
  const [method, path] = key.split(' ');
  const params: string[] = [];
  const source = path
    .split('/')
    .map((seg) => (seg.startsWith(':') ? (params.push(seg.slice(1)), '([^/]+)') : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  // Case-insensitive with an optional trailing slash, as express routes match: a table stricter than
  // the router would let `/API/V1/…` reach a route without its rule.
  return { key, method, re: new RegExp(`^${source}/?$`, 'i'), params, access };
}

// Static routes before parameterised ones, so `/integrations/statistics` is never read as an id.
const COMPILED = Object.entries(ROUTE_ACCESS)
  .map(([key, access]) => compile(key, access))
  .sort((a, b) => a.params.length - b.params.length);

/** The route a request matches: its table key, access and path parameters; undefined when the table has none. */
export function matchRoute(method: string, path: string): { key: string; access: RouteAccess; params: Record<string, string> } | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  for (const route of COMPILED) {
    if (route.method !== m) continue;
    const found = route.re.exec(path);
    if (!found) continue;
    const params: Record<string, string> = {};
    route.params.forEach((name, i) => {
      params[name] = safeDecode(found[i + 1]);
    });
    return { key: route.key, access: route.access, params };
  }
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const RANK: Record<ApiRole, number> = { viewer: 0, operator: 1, admin: 2 };

/** True when `role` may do what `needed` requires. */
export function roleAllows(role: ApiRole, needed: ApiRole): boolean {
  return RANK[role] >= RANK[needed];
}
