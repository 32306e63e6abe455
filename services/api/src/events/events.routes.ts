import { Router } from 'express';
import { getEvent, getIntegration, getWebhookStatus, listEvents, listWebhookRejections, resetEventsForReplay } from '@trustsync/db';
import type { ApiContext } from '../api-context';
import { optionalJsonBody, requireJsonBody } from '../http/error.middleware';
import { parseBody, parseQuery, rejectAnyQuery } from '../http/input.validator';
import { PageQuery, pageBody, pagingOf } from '../http/paging.dto';
import { enqueueReplayed } from './event-replay.service';
import { eventView, rejectionView, webhookStatusView } from './event.view';
import { BulkReplayBody, ListEventsQuery, eventFiltersOf } from './events.dto';

const DEFAULT_REPLAY_LIMIT = 500;

/** Stored vendor events: list, read, replay (one or by filter), rejected deliveries and webhook health. */
export function eventsRouter(ctx: ApiContext): Router {
  const router = Router();

  router.get('/integrations/:id/events', async (req, res) => {
    const q = await parseQuery(ListEventsQuery, req.query);
    await getIntegration(ctx.dataSource, req.params.id);
    const { items, total } = await listEvents(ctx.dataSource, req.params.id, eventFiltersOf(q), pagingOf(q));
    res.json(pageBody(items.map(eventView), total, q));
  });

  router.get('/integrations/:id/webhook-rejections', async (req, res) => {
    const q = await parseQuery(PageQuery, req.query);
    await getIntegration(ctx.dataSource, req.params.id);
    const { items, total } = await listWebhookRejections(ctx.dataSource, req.params.id, pagingOf(q));
    res.json(pageBody(items.map(rejectionView), total, q));
  });

  router.get('/integrations/:id/webhook-status', async (req, res) => {
    rejectAnyQuery(req.query);
    res.json(webhookStatusView(await getWebhookStatus(ctx.dataSource, req.params.id)));
  });

  // Declared before /events/:event_id so that "replay" is never read as an event id.
  router.post('/events/replay', requireJsonBody(), async (req, res) => {
    rejectAnyQuery(req.query);
    const body = await parseBody(BulkReplayBody, req.body);
    await getIntegration(ctx.dataSource, body.integration_id);
    const filters = eventFiltersOf({ ...body, status: body.status ?? 'failed' });
    const ids = await resetEventsForReplay(ctx.dataSource, { integrationId: body.integration_id, filters, limit: body.limit ?? DEFAULT_REPLAY_LIMIT });
    const { enqueued } = await enqueueReplayed(ctx, ids);
    res.status(202).json({ count: ids.length, enqueued, event_ids: ids });
  });

  router.get('/events/:event_id', async (req, res) => {
    rejectAnyQuery(req.query);
    res.json(eventView(await getEvent(ctx.dataSource, req.params.event_id)));
  });

  router.post('/events/:event_id/replay', optionalJsonBody<{ event_id: string }>(), async (req, res) => {
    rejectAnyQuery(req.query);
    await getEvent(ctx.dataSource, req.params.event_id);
    const ids = await resetEventsForReplay(ctx.dataSource, { ids: [req.params.event_id] });
    const { enqueued } = await enqueueReplayed(ctx, ids);
    res.status(202).json({ event_id: req.params.event_id, status: 'pending', enqueued: enqueued === 1 });
  });

  return router;
}
