import { Router } from 'express';
import { ConflictError, ValidationError } from '@trustsync/core';
import {
  createResponseRule, deleteResponseRule, getAutomaticAction, getCommand, getIntegration, getPush, getResponseRule, listAutomaticActions,
  listPushes, listResponseRules, markActionUndone, requeueFailedPush, updateResponseRule,
} from '@trustsync/db';
import type { IntegrationType } from '@trustsync/model';
import { enqueuePush } from '@trustsync/queue';
import type { ApiContext } from '../api-context';
import { actorOf } from '../auth/auth.middleware';
import { withDeadline } from '../http/deadline';
import { parseBody, parseQuery, rejectAnyQuery } from '../http/input.validator';
import { pageBody, pagingOf } from '../http/paging.dto';
import { snakeKeys } from '../http/snake-case';
import { requestCommand } from '../devices/device-command.service';
import { requirePushQueue } from '../devices/device-push.service';
import { AutomaticActionsQuery, CreateResponseRuleBody, IntegrationPushesQuery, UpdateResponseRuleBody } from './response-rule.dto';
import { REVERSIBLE_COMMANDS } from './reversible-commands';

/** Pushes of an integration, one push, retry; response rules and the audit (with undo) of their actions. */
export function pushesRouter(ctx: ApiContext): Router {
  const router = Router();

  router.get('/integrations/:id/pushes', async (req, res) => {
    const q = await parseQuery(IntegrationPushesQuery, req.query);
    await getIntegration(ctx.dataSource, req.params.id);
    const { items, total } = await listPushes(ctx.dataSource, { integrationId: req.params.id, kind: q.kind, status: q.status, deviceId: q.device_id }, pagingOf(q));
    res.json(pageBody(items.map((p) => snakeKeys(p)), total, q));
  });

  router.get('/pushes/:id', async (req, res) => {
    rejectAnyQuery(req.query);
    res.json(snakeKeys(await getPush(ctx.dataSource, req.params.id)));
  });

  router.post('/pushes/:id/retry', async (req, res) => {
    rejectAnyQuery(req.query);
    const queue = requirePushQueue(ctx);
    const push = await getPush(ctx.dataSource, req.params.id);
    if (!(await requeueFailedPush(ctx.dataSource, push.id))) throw new ConflictError(`push ${push.id} is ${push.status}; only a failed push can be retried`, { status: push.status });
    // A new job id per retry round: the failed job keeps its own id in Redis.
    const jobId = await withDeadline(enqueuePush(queue, push.id, push.attempts + push.deferrals + 1), ctx.enqueueTimeoutMs, 'push queue');
    res.status(202).json({ ...snakeKeys(await getPush(ctx.dataSource, push.id)), job_id: jobId });
  });

  router.get('/integrations/:id/response-rules', async (req, res) => {
    rejectAnyQuery(req.query);
    await getIntegration(ctx.dataSource, req.params.id);
    res.json({ items: (await listResponseRules(ctx.dataSource, req.params.id)).map((r) => snakeKeys(r)) });
  });

  router.post('/integrations/:id/response-rules', async (req, res) => {
    rejectAnyQuery(req.query);
    const body = await parseBody(CreateResponseRuleBody, req.body);
    const integration = await getIntegration(ctx.dataSource, req.params.id);
    const manifest = ctx.vendors[integration.integrationType as IntegrationType]?.manifest;
    if (!manifest?.commands.includes(body.command)) throw new ValidationError(`${integration.integrationType} has no command ${body.command}`, [{ field: 'command', problems: [`must be one of ${manifest?.commands.join(', ') || 'nothing'}`] }]);
    if (!REVERSIBLE_COMMANDS[body.command]) throw new ValidationError(`${body.command} cannot be undone, so no rule may run it`, [{ field: 'command', problems: [`must be one of ${Object.keys(REVERSIBLE_COMMANDS).join(', ')}`] }]);
    const rule = await createResponseRule(ctx.dataSource, integration.id, { name: body.name, trigger: body.trigger, minSeverity: body.min_severity, command: body.command, params: body.params, enabled: body.enabled }, actorOf(res));
    res.status(201).json(snakeKeys(rule));
  });

  router.get('/integrations/:id/response-rules/:ruleId', async (req, res) => {
    rejectAnyQuery(req.query);
    res.json(snakeKeys(await getResponseRule(ctx.dataSource, req.params.id, req.params.ruleId)));
  });

  router.patch('/integrations/:id/response-rules/:ruleId', async (req, res) => {
    rejectAnyQuery(req.query);
    const body = await parseBody(UpdateResponseRuleBody, req.body);
    res.json(snakeKeys(await updateResponseRule(ctx.dataSource, req.params.id, req.params.ruleId, { name: body.name, minSeverity: body.min_severity, params: body.params, enabled: body.enabled })));
  });

  router.delete('/integrations/:id/response-rules/:ruleId', async (req, res) => {
    rejectAnyQuery(req.query);
    await deleteResponseRule(ctx.dataSource, req.params.id, req.params.ruleId);
    res.status(204).end();
  });

  router.get('/integrations/:id/automatic-actions', async (req, res) => {
    const q = await parseQuery(AutomaticActionsQuery, req.query);
    await getIntegration(ctx.dataSource, req.params.id);
    const { items, total } = await listAutomaticActions(ctx.dataSource, { integrationId: req.params.id, deviceId: q.device_id }, pagingOf(q));
    res.json(pageBody(items.map((a) => snakeKeys(a)), total, q));
  });

  router.post('/automatic-actions/:id/undo', async (req, res) => {
    rejectAnyQuery(req.query);
    const action = await getAutomaticAction(ctx.dataSource, req.params.id);
    if (action.status !== 'executed') throw new ConflictError(`automatic action ${action.id} was already undone`);
    const original = action.commandId ? await getCommand(ctx.dataSource, action.commandId) : null;
    const reverse = REVERSIBLE_COMMANDS[original?.command ?? ''];
    if (!reverse) throw new ConflictError(`automatic action ${action.id} has no command that can be undone`);
    const { command } = await requestCommand(ctx, { deviceId: action.deviceId, command: reverse, params: {}, integrationId: action.integrationId, idempotencyKey: `undo-action-${action.id}`, requestedBy: actorOf(res) });
    const undone = await markActionUndone(ctx.dataSource, action.id, command.id, actorOf(res));
    res.status(202).json({ ...snakeKeys(undone), undo_command: snakeKeys(command) });
  });
  return router;
}
