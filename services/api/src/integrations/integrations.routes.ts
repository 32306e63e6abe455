import { Router } from 'express';
import {
  createIntegration, deleteIntegration, getIntegration, listIntegrations, updateIntegration,
  type IntegrationInput,
} from '@trustsync/db';
import type { ApiContext } from '../api-context';
import { actorOf } from '../auth/auth.middleware';
import { parseQuery, rejectAnyQuery } from '../http/input.validator';
import { requireJsonBody } from '../http/error.middleware';
import { pageBody, pagingOf } from '../http/paging.dto';
import { CreateIntegrationDto, ListIntegrationsQuery, UpdateIntegrationDto } from './integration.dto';
import { integrationPatchFrom } from './integration-body.validator';
import { integrationView } from './integration.view';
import { testIntegrationConnection } from './connection-test.service';
import { statisticsBody } from '../metrics/statistics.view';

/** Integration CRUD, statistics and the connection test. */
export function integrationsRouter(ctx: ApiContext): Router {
  const router = Router();
  const rules = { vendors: ctx.vendors, allowPrivateEndpoints: ctx.allowPrivateEndpoints, endpointAllowlist: ctx.endpointAllowlist };

  // Registered before /integrations/:id, which would otherwise take "statistics" for an id.
  router.get('/integrations/statistics', async (req, res) => {
    rejectAnyQuery(req.query);
    res.json(await statisticsBody(ctx));
  });

  router.get('/integrations', async (req, res) => {
    const q = await parseQuery(ListIntegrationsQuery, req.query);
    const { items, total } = await listIntegrations(ctx.dataSource, { ...pagingOf(q), integrationType: q.integration_type, enabled: q.enabled });
    res.json(pageBody(items.map(integrationView), total, q));
  });

  router.post('/integrations', requireJsonBody(), async (req, res) => {
    rejectAnyQuery(req.query);
    const input = (await integrationPatchFrom(CreateIntegrationDto, req.body, rules)) as IntegrationInput;
    const entity = await createIntegration(ctx.dataSource, ctx.secretBox, input, actorOf(res));
    res.locals.auditTarget = entity.id;
    ctx.logger.info('integration created', { integrationId: entity.id, type: entity.integrationType });
    res.status(201).json(integrationView(entity));
  });

  router.get('/integrations/:id', async (req, res) => {
    rejectAnyQuery(req.query);
    res.json(integrationView(await getIntegration(ctx.dataSource, req.params.id)));
  });

  router.put('/integrations/:id', requireJsonBody<{ id: string }>(), async (req, res) => {
    rejectAnyQuery(req.query);
    const current = await getIntegration(ctx.dataSource, req.params.id);
    const patch = await integrationPatchFrom(UpdateIntegrationDto, req.body, rules, current);
    const entity = await updateIntegration(ctx.dataSource, ctx.secretBox, current.id, patch, actorOf(res));
    ctx.logger.info('integration updated', { integrationId: entity.id, fields: Object.keys(patch) });
    res.json(integrationView(entity));
  });

  router.delete('/integrations/:id', async (req, res) => {
    rejectAnyQuery(req.query);
    await deleteIntegration(ctx.dataSource, req.params.id);
    ctx.logger.info('integration deleted', { integrationId: req.params.id });
    res.status(204).end();
  });

  router.post('/integrations/:id/test', async (req, res) => {
    rejectAnyQuery(req.query);
    res.json(await testIntegrationConnection(ctx, req.params.id));
  });

  return router;
}
