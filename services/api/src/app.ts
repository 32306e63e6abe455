import { AsyncLocalStorage } from 'node:async_hooks';
import express from 'express';
import helmet from 'helmet';
import { resolveDeps, type ApiDeps } from './api-context';
import { errorMiddleware, routeNotFound } from './http/error.middleware';
import { healthRouter } from './health/health.routes';
import { integrationsRouter } from './integrations/integrations.routes';
import { inventoryRouter } from './inventory/inventory.routes';
import { syncsRouter } from './syncs/syncs.routes';
import { devicesRouter } from './devices/devices.routes';
import { pushesRouter } from './pushes/pushes.routes';
import { mountQueueDashboard } from './admin/queue-dashboard';
import { queueMetricsRouter } from './queues/queue-metrics.routes';
import { eventsRouter } from './events/events.routes';
import { webhookIngressRouter } from './webhooks/webhook-ingress.routes';
import { requestContextMiddleware, requestScopedLogger, type RequestContext } from './metrics/request-context.middleware';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { metricsRouter } from './metrics/metrics.routes';
import { docsRouter } from './docs/docs.routes';
import { authMiddleware } from './auth/auth.middleware';
import { apiKeysRouter } from './auth/api-keys.routes';

export type { ApiDeps } from './api-context';

/** Builds the express app over the given adapters; opens nothing itself. */
export function createApp(deps: ApiDeps): express.Express {
  const ctx = resolveDeps(deps);
  // Every line logged while serving a request carries its request id.
  const requestStore = new AsyncLocalStorage<RequestContext>();
  ctx.logger = requestScopedLogger(ctx.logger, requestStore);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(helmet());
  app.use(requestContextMiddleware(requestStore));
  app.use(httpMetricsMiddleware(ctx.metrics, app));
  app.use((req, res, next) => {
    const startedAt = Date.now();
    res.on('finish', () => ctx.logger.info('request', { requestId: res.locals.requestId, method: req.method, path: req.path, status: res.statusCode, durationMs: Date.now() - startedAt }));
    next();
  });
  // Every route's role and the audit trail, before any body is read (public routes pass through).
  app.use(authMiddleware(ctx));
  // Before the JSON parser: webhook signatures are checked against the raw body.
  app.use('/api/v1/integrations/webhooks', webhookIngressRouter(ctx));
  app.use(express.json({ limit: ctx.bodyLimit, type: 'application/json' }));
  app.use(healthRouter(ctx));
  const monitored = [ctx.syncQueue, ctx.webhookQueue, ctx.pushQueue, ...ctx.monitoredQueues].filter((q, i, all): q is NonNullable<typeof q> => !!q && all.findIndex((o) => o?.name === q.name) === i);
  mountQueueDashboard(app, monitored, { readOnly: ctx.queueDashboardReadOnly });
  app.use(metricsRouter(ctx, monitored));
  app.use(docsRouter(app));
  const api = express.Router();
  api.use(integrationsRouter(ctx));
  api.use(syncsRouter(ctx));
  api.use(devicesRouter(ctx));
  api.use(pushesRouter(ctx));
  api.use(queueMetricsRouter(monitored, ctx.readinessTimeoutMs));
  api.use(eventsRouter(ctx));
  api.use(inventoryRouter(ctx));
  api.use(apiKeysRouter(ctx));
  app.use('/api/v1', api);
  app.use(routeNotFound);
  app.use(errorMiddleware(ctx.logger));
  return app;
}
