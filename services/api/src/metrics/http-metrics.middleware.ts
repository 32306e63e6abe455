import type { Express, RequestHandler } from 'express';
import type { TrustSyncMetrics } from '@trustsync/metrics';
import { registeredRoutes } from '../docs/route-table';

/** Where webhook deliveries arrive; their answers are counted as webhook ingress too. */
export const WEBHOOK_INGRESS_PREFIX = '/api/v1/integrations/webhooks/';

const INTEGRATION_ID = /^INT-[0-9A-Z]{12}$/;

const SEGMENT = /([:*][A-Za-z_][A-Za-z0-9_]*)/;

// `:id` matches one segment, `*splat` the rest; everything else is literal.
function patternRegExp(expressPath: string): RegExp {
  const parts = expressPath.replace(/[{}]/g, '').split(SEGMENT);
  const source = parts.map((p) => (p.startsWith(':') ? '[^/]+' : p.startsWith('*') ? '.*' : p.replace(/[.+?^$()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}/?$`);
}

/**
 * Finds the registered route pattern of a request path, first match wins as in express. Read
 * from the route table rather than `req.route`, because express resets `req.baseUrl` when a
 * request leaves a nested router (an error answered by the app-level handler would lose it).
 */
export function routeMatcher(app: Express): (method: string, path: string) => string {
  let compiled: Array<{ method: string; pattern: string; re: RegExp }> | undefined;
  return (method, path) => {
    compiled ??= registeredRoutes(app).map((r) => ({
      method: r.method,
      pattern: r.path,
      re: patternRegExp(r.path),
    }));
    const found = compiled.find((r) => r.method === method && r.re.test(path));
    // The raw path would make the label unbounded; anything unregistered is one series.
    return found?.pattern ?? 'unmatched';
  };
}

function ingressIntegration(originalUrl: string, status: number): string | null {
  const id = originalUrl.slice(WEBHOOK_INGRESS_PREFIX.length).split(/[/?]/)[0];
  // A 404 means the id named nothing: labelling it would let any caller mint series.
  return status !== 404 && INTEGRATION_ID.test(id) ? id : null;
}

/** Counts every API answer by route pattern and status class, and webhook deliveries by integration. */
export function httpMetricsMiddleware(metrics: TrustSyncMetrics, app: Express): RequestHandler {
  const routeOf = routeMatcher(app);
  return (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    res.on('finish', () => {
      const latencyMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
      metrics.httpRequest({ method: req.method, route: routeOf(req.method, req.originalUrl.split('?')[0]), status: res.statusCode, latencyMs });
      if (req.method === 'POST' && req.originalUrl.startsWith(WEBHOOK_INGRESS_PREFIX)) {
        metrics.webhookRequest({ integrationId: ingressIntegration(req.originalUrl, res.statusCode), status: res.statusCode, latencyMs });
      }
    });
    next();
  };
}
