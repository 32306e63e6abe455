import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from '@trustsync/core';
import type { ComplianceState, RiskState } from '@trustsync/connectors';
import { FINAL_PUSH_STATUSES, beginPushAttempt, finishPushAttempt, getPush, isPushSuperseded, recordHealth, supersedePush, type PushStatus } from '@trustsync/db';
import type { PushJobData } from '@trustsync/queue';
import { requestActivation } from './push-activation.handler';
import { openConnector } from './connector-session';
import { decideFailure } from './failure-policy';
import type { PushWorkerDeps } from './push-worker.deps';

/** How a push job ended. */
export interface PushSendResult {
  pushId: string;
  status: PushStatus | 'gone';
}

/**
 * Sends one push row to its vendor, exactly once in effect: a row already final is not sent
 * again (a retried or duplicated job does nothing), and a row a newer state replaced is
 * superseded instead of sent. Failures follow `decideFailure`; the row records every outcome.
 * A vendor that stages changes (ZIA) is asked to defer its activation: the row becomes
 * `pending_activation` and joins the tenant's next batched activation, which completes it.
 */
export async function sendPush(deps: PushWorkerDeps, job: Job, token: string | undefined, data: PushJobData, log: Logger): Promise<PushSendResult> {
  const ds = deps.dataSource;
  const existing = await getPush(ds, data.pushId).catch(() => null);
  if (!existing) return { pushId: data.pushId, status: 'gone' };
  if (FINAL_PUSH_STATUSES.includes(existing.status as PushStatus)) return { pushId: existing.id, status: existing.status as PushStatus };
  if (existing.status === 'pending_activation') {
    // Staged already (a job that stopped before it asked for the activation, or a duplicate): only make sure one comes.
    await requestActivation(deps, existing.integrationId);
    return { pushId: existing.id, status: 'pending_activation' };
  }
  if (await isPushSuperseded(ds, existing)) {
    await supersedePush(ds, existing.id);
    return { pushId: existing.id, status: 'superseded' };
  }
  const push = await beginPushAttempt(ds, existing.id);
  if (!push) return { pushId: existing.id, status: existing.status as PushStatus };
  const session = await openConnector(deps, push.integrationId, log);
  if (!session) {
    await finishPushAttempt(ds, push.id, { status: 'failed', errorKind: 'integration_disabled', error: 'the integration is disabled or was deleted' });
    return { pushId: push.id, status: 'failed' };
  }
  const { connector, integration } = session;
  try {
    const options = { deferActivation: typeof connector.activateStaged === 'function' };
    const result =
      push.kind === 'compliance'
        ? await connector.pushCompliance!(push.externalId, push.payload as unknown as ComplianceState, options)
        : await connector.pushRiskScore!(push.externalId, push.payload as unknown as RiskState, options);
    if (result.awaitsActivation) {
      await finishPushAttempt(ds, push.id, { status: 'pending_activation', vendorReference: result.vendorReference, payloadSummary: result.summary });
    } else {
      await finishPushAttempt(ds, push.id, { status: 'succeeded', vendorReference: result.vendorReference, payloadSummary: result.summary });
      log.info('push delivered', { pushId: push.id, kind: push.kind, vendor: integration.integrationType, attempts: push.attempts });
      return { pushId: push.id, status: 'succeeded' };
    }
  } catch (err) {
    const decision = decideFailure(err, job.attemptsMade, job.opts.attempts ?? 1, Date.now());
    if (decision.action === 'delay' && token) {
      await finishPushAttempt(ds, push.id, { status: 'delayed', errorKind: 'rate_limited', error: 'vendor rate limit; delayed until it resets', nextAttemptAt: decision.until });
      log.warn('push delayed by a vendor rate limit', { pushId: push.id, vendor: integration.integrationType, retryAt: decision.until.toISOString() });
      await job.moveToDelayed(decision.until.getTime(), token);
      throw new DelayedError();
    }
    const kind = decision.action === 'delay' ? 'rate_limited' : decision.kind;
    const message = decision.action === 'delay' ? 'vendor rate limit' : decision.message;
    const final = decision.action === 'fail';
    await finishPushAttempt(ds, push.id, { status: final ? 'failed' : 'retrying', errorKind: kind, error: message });
    log.warn('push attempt failed', { pushId: push.id, vendor: integration.integrationType, kind, final, attempt: job.attemptsMade + 1 });
    if (kind === 'auth') await recordHealth(ds, integration.id, 'unhealthy', `push rejected the credentials: ${message}`).catch(() => undefined);
    if (decision.action === 'fail' && decision.permanent) throw new UnrecoverableError(message);
    throw err;
  } finally {
    await connector.close?.();
  }
  // The row first, then the request: the activation that runs after this request reads the row and covers it.
  // A failure here fails the job, and its retry finds the row staged and asks again (nothing is sent twice).
  await requestActivation(deps, push.integrationId);
  log.info('push staged; awaiting the batched activation', { pushId: push.id, kind: push.kind, vendor: integration.integrationType });
  return { pushId: push.id, status: 'pending_activation' };
}
