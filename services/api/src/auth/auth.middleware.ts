import type { Request, RequestHandler, Response } from 'express';
import { ForbiddenError, UnauthorizedError } from '@trustsync/core';
import { appendAudit, authenticateApiKey, type ApiKeyRecord, type ApiRole, type AuditOutcome } from '@trustsync/db';
import type { ApiContext } from '../api-context';
import { QUEUE_DASHBOARD_PATH } from '../admin/queue-dashboard';
import { matchRoute, queueDashboardAccess, roleAllows, type RouteAccess } from './route-policy';

/** The API key a request acts as, kept on `res.locals.principal`. */
export interface Principal {
  keyId: string;
  name: string;
  role: ApiRole;
}

const READ_METHODS = new Set(['GET', 'HEAD']);
// Longer than any key we issue (tsk_ + 43) or a sane bootstrap key; anything longer is not hashed.
const MAX_KEY_LENGTH = 256;

/** The principal of an authenticated request (set by `authMiddleware`). */
export function principalOf(res: Response): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}

/** How a request is recorded as `created_by`, `triggered_by`, `requested_by`: the key's name and id. */
export function actorOf(res: Response): string {
  const p = principalOf(res);
  return p ? `${p.name} (${p.keyId})` : 'api';
}

/** Throws 403 unless the request's key has at least `role` (for checks that depend on the body). */
export function requireRole(res: Response, role: ApiRole, why: string): void {
  const p = principalOf(res);
  if (!p || !roleAllows(p.role, role)) {
    res.locals.auditOutcome = 'denied';
    throw new ForbiddenError(`${why} needs the ${role} role; this API key has ${p?.role ?? 'none'}`, { required_role: role });
  }
}

function bearerOf(req: Request): string {
  const header = req.headers.authorization;
  if (!header) throw new UnauthorizedError('this route needs an API key: send Authorization: Bearer <key>');
  const m = /^Bearer ([\x21-\x7e]{1,256})$/.exec(header);
  if (!m || m[1].length > MAX_KEY_LENGTH) throw new UnauthorizedError('the Authorization header must be "Bearer <key>"');
  return m[1];
}

async function authenticate(ctx: ApiContext, req: Request): Promise<ApiKeyRecord> {
  const found = await authenticateApiKey(ctx.dataSource, bearerOf(req), ctx.now());
  if (found === 'unknown') throw new UnauthorizedError('the API key is not valid');
  if (found === 'revoked') throw new UnauthorizedError('the API key was revoked');
  if (found === 'expired') throw new UnauthorizedError('the API key has expired');
  return found;
}

function accessOf(req: Request): { access: RouteAccess; action: string; params: Record<string, string> } {
  const path = req.path.toLowerCase();
  if (path === QUEUE_DASHBOARD_PATH || path.startsWith(`${QUEUE_DASHBOARD_PATH}/`)) {
    return { access: queueDashboardAccess(req.method), action: `${req.method} ${QUEUE_DASHBOARD_PATH}`, params: {} };
  }
  const route = matchRoute(req.method, req.path);
  if (route) return { access: route.access, action: route.key, params: route.params };
  // Deny by default: a path the table does not know needs admin (it answers 404 for them).
  return { access: 'admin', action: `${req.method} (unlisted route)`, params: {} };
}

// `/api/v1/integrations/...` → `integration`: the kind of thing the first path id names.
function targetTypeOf(path: string): string | null {
  const seg = path.toLowerCase().replace(/^\/api\/v1\//, '').split('/')[0];
  return seg ? seg.replace(/-/g, '_').replace(/s$/, '') : null;
}

function outcomeOf(res: Response): AuditOutcome {
  if (res.locals.auditOutcome === 'denied' || res.statusCode === 403) return 'denied';
  return res.statusCode < 400 ? 'success' : 'failed';
}

/**
 * Authentication, authorisation and the audit trail for every request, in one place: the route's
 * minimum role comes from `ROUTE_ACCESS`; a key of a lower role gets 403; every request that
 * would change something (any method but GET/HEAD) and carried a valid key is appended to the
 * audit log when it finishes, with who, what, target, outcome and request id.
 */
export function authMiddleware(ctx: ApiContext): RequestHandler {
  return async (req, res, next) => {
    const { access, action, params } = accessOf(req);
    if (access === 'public') return next();
    const key = await authenticate(ctx, req);
    const principal: Principal = { keyId: key.id, name: key.name, role: key.role };
    res.locals.principal = principal;
    if (!READ_METHODS.has(req.method)) {
      // Read now: routers mounted on a prefix rewrite req.url before the answer is sent.
      const path = req.originalUrl.split('?')[0];
      const targetType = targetTypeOf(req.path);
      res.on('finish', () => {
        const targetId = (res.locals.auditTarget as string | undefined) ?? Object.values(params)[0] ?? null;
        appendAudit(ctx.dataSource, {
          actorKeyId: key.id, actorName: key.name, actorRole: key.role, action, method: req.method, path,
          targetType, targetId, outcome: outcomeOf(res), statusCode: res.statusCode,
          requestId: (res.locals.requestId as string | undefined) ?? null, details: (res.locals.auditDetails as Record<string, unknown> | undefined) ?? {},
        }).catch((err) => ctx.logger.error('audit line not written', { err, action, requestId: res.locals.requestId }));
      });
    }
    if (!roleAllows(key.role, access)) {
      res.locals.auditOutcome = 'denied';
      throw new ForbiddenError(`${action} needs the ${access} role; this API key has ${key.role}`, { required_role: access });
    }
    next();
  };
}
