import { Router } from 'express';
import { ValidationError } from '@trustsync/core';
import { createApiKey, listApiKeys, listAudit, revokeApiKey, type ApiKeyRecord } from '@trustsync/db';
import type { ApiContext } from '../api-context';
import { requireJsonBody } from '../http/error.middleware';
import { parseBody, parseQuery, rejectAnyQuery } from '../http/input.validator';
import { PageQuery, pageBody, pagingOf } from '../http/paging.dto';
import { snakeKeys } from '../http/snake-case';
import { actorOf } from './auth.middleware';
import { CreateApiKeyBody, ListAuditQuery } from './api-keys.dto';

function keyView(k: ApiKeyRecord): Record<string, unknown> {
  return { ...snakeKeys(k), status: k.revokedAt ? 'revoked' : k.expiresAt && k.expiresAt.getTime() <= Date.now() ? 'expired' : 'active' };
}

/** API keys (created, listed, revoked by admins) and the audit log. */
export function apiKeysRouter(ctx: ApiContext): Router {
  const router = Router();

  router.post('/api-keys', requireJsonBody(), async (req, res) => {
    rejectAnyQuery(req.query);
    const body = await parseBody(CreateApiKeyBody, req.body);
    const expiresAt = body.expires_at ? new Date(body.expires_at) : null;
    if (expiresAt && expiresAt.getTime() <= ctx.now().getTime()) {
      throw new ValidationError('invalid request body', [{ field: 'expires_at', problems: ['expires_at must be in the future'] }]);
    }
    const { key, record } = await createApiKey(ctx.dataSource, { name: body.name, role: body.role, expiresAt, createdBy: actorOf(res) });
    res.locals.auditTarget = record.id;
    res.locals.auditDetails = { name: record.name, role: record.role };
    ctx.logger.info('api key created', { keyId: record.id, role: record.role });
    // The only time the key is ever shown.
    res.status(201).json({ ...keyView(record), key });
  });

  router.get('/api-keys', async (req, res) => {
    const q = await parseQuery(PageQuery, req.query);
    const { items, total } = await listApiKeys(ctx.dataSource, pagingOf(q));
    res.json(pageBody(items.map(keyView), total, q));
  });

  router.delete('/api-keys/:id', async (req, res) => {
    rejectAnyQuery(req.query);
    const record = await revokeApiKey(ctx.dataSource, req.params.id, actorOf(res));
    ctx.logger.info('api key revoked', { keyId: record.id });
    res.json(keyView(record));
  });

  router.get('/audit', async (req, res) => {
    const q = await parseQuery(ListAuditQuery, req.query);
    const { items, total } = await listAudit(
      ctx.dataSource,
      { actorKeyId: q.actor_key_id, action: q.action, targetId: q.target_id, outcome: q.outcome, since: q.since ? new Date(q.since) : undefined, until: q.until ? new Date(q.until) : undefined },
      pagingOf(q),
    );
    res.json(pageBody(items.map((a) => snakeKeys(a)), total, q));
  });

  return router;
}
