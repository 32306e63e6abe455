import { Router, type Express } from 'express';
import { buildOpenApi, type OpenApiDocument } from './openapi.builder';
import { ROUTE_DOCS } from './route-docs';
import { registeredRoutes } from './route-table';
import { DOCS_PAGE_HTML, DOCS_PAGE_SCRIPT } from './docs-ui.page';

/** Version of the documented API (the `/api/v1` surface). */
export const API_DOCS_VERSION = '1.0.0';

/**
 * `GET /api/docs` (the OpenAPI 3.1 document), `GET /api/docs/ui` and its script. The document is
 * built on the first request, when every route of `app` is registered, and kept.
 */
export function docsRouter(app: Express): Router {
  let document: OpenApiDocument | undefined;
  const router = Router();
  router.get('/api/docs', (_req, res) => {
    document ??= buildOpenApi(registeredRoutes(app), ROUTE_DOCS, API_DOCS_VERSION);
    res.json(document);
  });
  router.get('/api/docs/ui', (_req, res) => {
    res.type('html').send(DOCS_PAGE_HTML);
  });
  router.get('/api/docs/ui.js', (_req, res) => {
    res.type('text/javascript').send(DOCS_PAGE_SCRIPT);
  });
  return router;
}
