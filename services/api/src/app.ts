import express from 'express';
import helmet from 'helmet';
import { resolveDeps, type ApiDeps } from './api-context';
import { errorMiddleware, routeNotFound } from './http/error.middleware';
import { healthRouter } from './health/health.routes';
import { integrationsRouter } from './integrations/integrations.routes';
import { inventoryRouter } from './inventory/inventory.routes';
import { syncsRouter } from './syncs/syncs.routes';

export type { ApiDeps } from './api-context';

/** Builds the express app over the given adapters; opens nothing itself. */
export function createApp(deps: ApiDeps): express.Express {
  const ctx = resolveDeps(deps);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(helmet());
  app.use((req, res, next) => {
    const startedAt = Date.now();
    res.on('finish', () => ctx.logger.info('request', { method: req.method, path: req.path, status: res.statusCode, durationMs: Date.now() - startedAt }));
    next();
  });
  app.use(express.json({ limit: ctx.bodyLimit, type: 'application/json' }));
  app.use(healthRouter(ctx));
  const api = express.Router();
  api.use(integrationsRouter(ctx));
  api.use(syncsRouter(ctx));
  api.use(inventoryRouter(ctx));
  app.use('/api/v1', api);
  app.use(routeNotFound);
  app.use(errorMiddleware(ctx.logger));
  return app;
}
