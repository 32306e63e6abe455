import { Router, type Request } from 'express';
import { getCommand, getDevice, listDeviceCommands, listPushes } from '@trustsync/db';
import type { ApiContext } from '../api-context';
import { actorOf, requireRole } from '../auth/auth.middleware';
import { OBSERVING_COMMANDS } from '../auth/route-policy';
import { parseBody, parseQuery, rejectAnyQuery } from '../http/input.validator';
import { PageQuery, pageBody, pagingOf } from '../http/paging.dto';
import { snakeKeys } from '../http/snake-case';
import { CommandBody, ComplianceBody, ContainmentBody, DevicePushesQuery, PushWaitQuery, RiskScoreBody } from './device-push.dto';
import { requestCommand } from './device-command.service';
import { awaitPushResults, requestDevicePushes, type PushRequestOutcome } from './device-push.service';

const DEFAULT_WAIT_MS = 10_000;

function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  return key && /^[\w.:-]{8,200}$/.test(key) ? key : undefined;
}

/**
 * Push and command routes on a device. Shapes: `POST /devices/:id/compliance` and `/risk-score`
 * (202, one entry per integration; `?wait=true` → 200 with `success` per integration once settled);
 * `POST /devices/:id/commands {command, params?, integration_id?}`; `POST /devices/:id/actions/contain`
 * and `/actions/lift-containment` are the same as commands `contain` / `lift_containment`.
 */
export function devicesRouter(ctx: ApiContext): Router {
  const router = Router();

  async function answerPush(req: Request, res: import('express').Response, outcome: PushRequestOutcome): Promise<void> {
    const q = await parseQuery(PushWaitQuery, req.query);
    if (!q.wait) return void res.status(202).json(outcome);
    const waited = await awaitPushResults(ctx, outcome, q.wait_ms ?? DEFAULT_WAIT_MS);
    res.status(waited.settled ? 200 : 202).json({ ...waited.outcome, settled: waited.settled });
  }

  router.post('/devices/:id/compliance', async (req, res) => {
    await parseQuery(PushWaitQuery, req.query);
    const body = await parseBody(ComplianceBody, req.body);
    const state = { isCompliant: body.is_compliant, complianceScore: body.compliance_score ?? null, violations: body.violations ?? [] };
    const outcome = await requestDevicePushes(ctx, req.params.id, 'compliance', state, { isCompliant: state.isCompliant, complianceScore: state.complianceScore });
    await answerPush(req, res, outcome);
  });

  router.post('/devices/:id/risk-score', async (req, res) => {
    await parseQuery(PushWaitQuery, req.query);
    const body = await parseBody(RiskScoreBody, req.body);
    const state = { totalRiskScore: body.total_risk_score, riskLevel: body.risk_level, riskFactors: body.risk_factors ?? [] };
    const outcome = await requestDevicePushes(ctx, req.params.id, 'risk', state, { riskScore: state.totalRiskScore, riskLevel: state.riskLevel });
    await answerPush(req, res, outcome);
  });

  router.get('/devices/:id/pushes', async (req, res) => {
    const q = await parseQuery(DevicePushesQuery, req.query);
    await getDevice(ctx.dataSource, req.params.id);
    const { items, total } = await listPushes(ctx.dataSource, { deviceId: req.params.id, kind: q.kind, status: q.status }, pagingOf(q));
    res.json(pageBody(items.map((p) => snakeKeys(p)), total, q));
  });

  router.post('/devices/:id/commands', async (req, res) => {
    rejectAnyQuery(req.query);
    const body = await parseBody(CommandBody, req.body);
    if (!OBSERVING_COMMANDS.has(body.command)) requireRole(res, 'admin', `the ${body.command} command (it changes the device)`);
    const { command, created } = await requestCommand(ctx, { deviceId: req.params.id, command: body.command, params: body.params ?? {}, integrationId: body.integration_id, idempotencyKey: idempotencyKeyOf(req), requestedBy: actorOf(res) });
    res.status(created ? 202 : 200).json(snakeKeys(command));
  });

  for (const [path, command] of [['contain', 'contain'], ['lift-containment', 'lift_containment']] as const) {
    router.post(`/devices/:id/actions/${path}`, async (req, res) => {
      rejectAnyQuery(req.query);
      const body = await parseBody(ContainmentBody, req.body);
      const result = await requestCommand(ctx, { deviceId: req.params.id, command, params: {}, integrationId: body.integration_id, idempotencyKey: idempotencyKeyOf(req), requestedBy: actorOf(res) });
      res.status(result.created ? 202 : 200).json(snakeKeys(result.command));
    });
  }

  router.get('/devices/:id/commands', async (req, res) => {
    const q = await parseQuery(PageQuery, req.query);
    await getDevice(ctx.dataSource, req.params.id);
    const { items, total } = await listDeviceCommands(ctx.dataSource, req.params.id, pagingOf(q));
    res.json(pageBody(items.map((c) => snakeKeys(c)), total, q));
  });

  router.get('/commands/:id', async (req, res) => {
    rejectAnyQuery(req.query);
    res.json(snakeKeys(await getCommand(ctx.dataSource, req.params.id)));
  });
  return router;
}
