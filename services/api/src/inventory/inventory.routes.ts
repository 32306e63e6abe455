import { Router, type RequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import {
  getDevice, getIntegration, getUser, listDetections, listDevices, listMappings, listPolicies, listUsers, mappingsOf,
  type MappingFilters, type PageOf, type Paging, type PlatformEntityType,
} from '@trustsync/db';
import type { ApiContext } from '../api-context';
import { parseQuery, rejectAnyQuery } from '../http/input.validator';
import { PageQuery, pageBody, pagingOf } from '../http/paging.dto';
import { camelKeys, snakeKeys } from '../http/snake-case';
import { ListDetectionsQuery, ListDevicesQuery, ListMappingsQuery, ListPoliciesQuery, ListUsersQuery } from './inventory.dto';

type Lister<F, E> = (ds: DataSource, filters: F, paging: Paging) => Promise<PageOf<E>>;

/** Query fields other than paging, in the repository's camelCase. */
function filtersOf<F>(q: PageQuery): F {
  const { page, page_size, ...filters } = q;
  return camelKeys(filters) as F;
}

/** The platform entities joined with their mappings: one query for the page, one for all its mappings. */
function listWithMappings<F, E extends { id: string }>(ctx: ApiContext, cls: new () => PageQuery, type: PlatformEntityType, list: Lister<F, E>): RequestHandler {
  return async (req, res) => {
    const q = await parseQuery(cls, req.query);
    const { items, total } = await list(ctx.dataSource, filtersOf<F>(q), pagingOf(q));
    const mappings = await mappingsOf(ctx.dataSource, type, items.map((i) => i.id));
    res.json(pageBody(items.map((i) => ({ ...snakeKeys(i), mappings: (mappings.get(i.id) ?? []).map(snakeKeys) })), total, q));
  };
}

/** One entity with every vendor's view of it (`mappings[].attributes`). */
function oneWithMappings<E extends { id: string }>(ctx: ApiContext, type: PlatformEntityType, get: (ds: DataSource, id: string) => Promise<E>): RequestHandler<{ id: string }> {
  return async (req, res) => {
    rejectAnyQuery(req.query);
    const entity = await get(ctx.dataSource, req.params.id);
    const mappings = await mappingsOf(ctx.dataSource, type, [entity.id], true);
    res.json({ ...snakeKeys(entity), mappings: (mappings.get(entity.id) ?? []).map(snakeKeys) });
  };
}

/** Read models: devices, users, policies, detections, and an integration's mappings. */
export function inventoryRouter(ctx: ApiContext): Router {
  const router = Router();
  router.get('/devices', listWithMappings(ctx, ListDevicesQuery, 'device', listDevices));
  router.get('/devices/:id', oneWithMappings(ctx, 'device', getDevice));
  router.get('/users', listWithMappings(ctx, ListUsersQuery, 'user', listUsers));
  router.get('/users/:id', oneWithMappings(ctx, 'user', getUser));
  router.get('/policies', listWithMappings(ctx, ListPoliciesQuery, 'policy', listPolicies));
  router.get('/detections', listWithMappings(ctx, ListDetectionsQuery, 'detection', listDetections));

  router.get('/integrations/:id/mappings', async (req, res) => {
    const q = await parseQuery(ListMappingsQuery, req.query);
    await getIntegration(ctx.dataSource, req.params.id);
    const { items, total } = await listMappings(ctx.dataSource, req.params.id, filtersOf<MappingFilters>(q), pagingOf(q));
    res.json(pageBody(items.map((m) => snakeKeys(m)), total, q));
  });
  return router;
}
