import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from '@trustsync/core';
import { ConnectorError } from '@trustsync/connectors';
import { completeActivatedPushes, integrationsAwaitingActivation, pendingActivationPushes, recordActivationFailure, recordHealth } from '@trustsync/db';
import { enqueueActivation, type ActivationJobData } from '@trustsync/queue';
import { openConnector } from './connector-session';
import { decideFailure } from './failure-policy';
import type { PushWorkerDeps } from './push-worker.deps';

// ZIA allows about one activation at a time and paces writes at 1/s: a burst of pushes staged
// over a few seconds should end in one activation, and no push should wait more than a minute.
const DEFAULT_DEBOUNCE_MS = 5_000;
const DEFAULT_MAX_WAIT_MS = 60_000;

/** How an activation job run ended. */
export interface ActivationRunResult {
  integrationId: string;
  /** Pushes staged before the activation was asked for (the batch it covers). */
  covered: number;
  /** Of those, the pushes this run completed as succeeded. */
  completed: number;
  status: string;
}

/**
 * Asks for the tenant's batched activation after a push staged its change: debounced by
 * `activationDebounceMs`, but never later than `activationMaxWaitMs` after the oldest staged push,
 * so a steady trickle of pushes cannot postpone it forever.
 */
export async function requestActivation(deps: PushWorkerDeps, integrationId: string): Promise<string> {
  const debounceMs = deps.activationDebounceMs ?? DEFAULT_DEBOUNCE_MS;
  const maxWaitMs = deps.activationMaxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const { oldestAt } = await pendingActivationPushes(deps.dataSource, integrationId);
  // Compared with a database timestamp, so the wall clock, not the injectable one.
  const delayMs = oldestAt ? Math.min(debounceMs, Math.max(0, oldestAt.getTime() + maxWaitMs - Date.now())) : debounceMs;
  return enqueueActivation(deps.pushQueue, integrationId, delayMs);
}

/**
 * Asks again for the activation of pushes that have waited longer than the max wait plus a margin:
 * their request was lost (Redis lost the job, or a push job ran out of attempts after staging).
 * Returns the integrations it asked for. The deduplication keeps this from adding a second job.
 */
export async function requestOverdueActivations(deps: PushWorkerDeps, marginMs = 60_000): Promise<string[]> {
  const maxWaitMs = deps.activationMaxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const overdue = await integrationsAwaitingActivation(deps.dataSource, new Date(Date.now() - maxWaitMs - marginMs));
  for (const integrationId of overdue) await requestActivation(deps, integrationId);
  return overdue;
}

/**
 * Activates an integration's staged changes once for every push waiting on them, then completes
 * those pushes. The batch is read before the activation is asked for: each row in it was marked
 * staged after its vendor write returned, so the activation covers it. A row staged later has its
 * own activation request queued behind this run. Pushes succeed only when the vendor reports the
 * activation ACTIVE; until then they stay `pending_activation`, and the last failed attempt fails them.
 */
export async function activatePushes(deps: PushWorkerDeps, job: Job, token: string | undefined, data: ActivationJobData, log: Logger): Promise<ActivationRunResult> {
  const ds = deps.dataSource;
  const { ids } = await pendingActivationPushes(ds, data.integrationId);
  const result = (status: string, completed = 0): ActivationRunResult => ({ integrationId: data.integrationId, covered: ids.length, completed, status });
  // An earlier run covered them all (this job was queued by a push its batch already held).
  if (ids.length === 0) return result('nothing_staged');
  const session = await openConnector(deps, data.integrationId, log);
  if (!session) {
    await recordActivationFailure(ds, ids, { errorKind: 'integration_disabled', error: 'the integration is disabled or was deleted; its staged change was not activated', final: true });
    return result('failed');
  }
  const { connector, integration } = session;
  const vendor = integration.integrationType;
  try {
    if (!connector.activateStaged) throw new ConnectorError('unsupported', vendor, `${vendor} has no activation of staged changes`);
    const outcome = await connector.activateStaged();
    if (!outcome.settled) throw new ConnectorError('transient', vendor, `the activation was asked for but ${vendor} still reported ${outcome.status} at the timeout`);
    const completed = await completeActivatedPushes(ds, ids, {
      activation: 'active',
      activationStatus: outcome.status,
      activatedAt: new Date().toISOString(),
      activationJobId: job.id ?? null,
      activationBatchSize: ids.length,
    });
    log.info('staged pushes activated', { integrationId: data.integrationId, vendor, covered: ids.length, completed, polls: outcome.polls });
    return result(outcome.status, completed);
  } catch (err) {
    const decision = decideFailure(err, job.attemptsMade, job.opts.attempts ?? 1, Date.now());
    if (decision.action === 'delay' && token) {
      await recordActivationFailure(ds, ids, { errorKind: 'rate_limited', error: 'vendor rate limit; the activation waits until it resets', final: false, nextAttemptAt: decision.until });
      log.warn('activation delayed by a vendor rate limit', { integrationId: data.integrationId, vendor, retryAt: decision.until.toISOString() });
      await job.moveToDelayed(decision.until.getTime(), token);
      throw new DelayedError();
    }
    const kind = decision.action === 'delay' ? 'rate_limited' : decision.kind;
    const message = decision.action === 'delay' ? 'vendor rate limit' : decision.message;
    const final = decision.action === 'fail';
    const error = final
      ? `the change is staged in ${vendor} but its activation failed (${message}); retry the push to activate it`
      : `activation not yet active (${message}); it is tried again`;
    await recordActivationFailure(ds, ids, { errorKind: kind, error, final });
    log.warn('activation attempt failed', { integrationId: data.integrationId, vendor, kind, final, covered: ids.length, attempt: job.attemptsMade + 1 });
    if (kind === 'auth') await recordHealth(ds, integration.id, 'unhealthy', `activation rejected the credentials: ${message}`).catch(() => undefined);
    if (decision.action === 'fail' && decision.permanent) throw new UnrecoverableError(message);
    throw err;
  } finally {
    await connector.close?.();
  }
}
