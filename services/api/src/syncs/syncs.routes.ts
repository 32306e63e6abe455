import { Router } from 'express';
import { getIntegration, getSync, listSyncableIntegrations, listSyncs } from '@trustsync/db';
import type { ApiContext } from '../api-context';
import { actorOf } from '../auth/auth.middleware';
import { optionalJsonBody } from '../http/error.middleware';
import { parseBody, parseQuery, rejectAnyQuery } from '../http/input.validator';
import { pageBody, pagingOf } from '../http/paging.dto';
import { syncView } from '../integrations/integration.view';
import { triggerSync } from '../integrations/sync-trigger.service';
import { ListSyncsQuery, SyncTypeInput } from './sync.dto';

/** Sync triggers (one integration, or all) and sync history. */
export function syncsRouter(ctx: ApiContext): Router {
  const router = Router();

  router.post('/integrations/sync-all', optionalJsonBody(), async (req, res) => {
    const query = await parseQuery(SyncTypeInput, req.query);
    const body = await parseBody(SyncTypeInput, req.body);
    const syncType = body.sync_type ?? query.sync_type ?? 'full';
    const syncs = [];
    for (const integration of await listSyncableIntegrations(ctx.dataSource)) {
      const outcome = await triggerSync(ctx, integration, syncType, actorOf(res));
      syncs.push({ integration_id: integration.id, sync_id: outcome.sync_id, status: outcome.status, coalesced: outcome.coalesced });
    }
    res.status(202).json({ sync_type: syncType, count: syncs.length, syncs });
  });

  router.post('/integrations/:id/sync', async (req, res) => {
    const query = await parseQuery(SyncTypeInput, req.query);
    const integration = await getIntegration(ctx.dataSource, req.params.id);
    res.status(202).json(await triggerSync(ctx, integration, query.sync_type ?? 'full', actorOf(res)));
  });

  router.get('/integrations/:id/syncs', async (req, res) => {
    const q = await parseQuery(ListSyncsQuery, req.query);
    await getIntegration(ctx.dataSource, req.params.id);
    const { items, total } = await listSyncs(ctx.dataSource, req.params.id, { status: q.status, syncType: q.sync_type }, pagingOf(q));
    res.json(pageBody(items.map(syncView), total, q));
  });

  router.get('/syncs/:sync_id', async (req, res) => {
    rejectAnyQuery(req.query);
    res.json(syncView(await getSync(ctx.dataSource, req.params.sync_id)));
  });

  return router;
}
