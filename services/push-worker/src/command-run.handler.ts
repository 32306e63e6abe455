import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from '@trustsync/core';
import type { CommandResult } from '@trustsync/connectors';
import { getCommand, updateCommand, type DeviceCommandEntity } from '@trustsync/db';
import type { CommandJobData } from '@trustsync/queue';
import { openConnector } from './connector-session';
import { decideFailure } from './failure-policy';
import type { PushWorkerDeps } from './push-worker.deps';

/** How a command job run ended (a pending command is delayed, never returned). */
export interface CommandRunResult {
  commandId: string;
  status: string;
}

const FINAL = new Set(['completed', 'failed']);

/**
 * Runs one command row: sends it once (a `pending` row is never re-sent), then polls the
 * vendor's status by moving the job to delayed every `commandPollMs` (no attempt used) until the
 * vendor reports completed or failed, or the deadline passes.
 */
export async function runCommand(deps: PushWorkerDeps, job: Job, token: string | undefined, data: CommandJobData, log: Logger): Promise<CommandRunResult> {
  const ds = deps.dataSource;
  const command = await getCommand(ds, data.commandId).catch(() => null);
  if (!command) return { commandId: data.commandId, status: 'gone' };
  if (FINAL.has(command.status)) return { commandId: command.id, status: command.status };
  const session = await openConnector(deps, command.integrationId, log);
  if (!session) {
    await updateCommand(ds, command.id, { status: 'failed', errorKind: 'integration_disabled', error: 'the integration is disabled or was deleted', completedAt: new Date() });
    return { commandId: command.id, status: 'failed' };
  }
  const { connector } = session;
  const delayPoll = async (): Promise<never> => {
    if (!token) throw new Error('cannot poll a command without a job lock token');
    await job.moveToDelayed(Date.now() + deps.commandPollMs, token);
    throw new DelayedError();
  };
  try {
    if (command.status === 'pending') {
      if (command.deadlineAt && command.deadlineAt.getTime() < Date.now()) {
        await updateCommand(ds, command.id, { status: 'failed', errorKind: 'timeout', error: 'the vendor did not report completion before the deadline', completedAt: new Date() });
        return { commandId: command.id, status: 'failed' };
      }
      const status = await connector.commandStatus!(command.externalId, command.vendorReference ?? command.command);
      await updateCommand(ds, command.id, { countPoll: true, ...outcomeFields(status) });
      if (status.status === 'pending') return await delayPoll();
      log.info('command finished', { commandId: command.id, command: command.command, status: status.status });
      return { commandId: command.id, status: status.status };
    }
    const sent = await connector.runCommand!(command.externalId, { command: command.command, params: command.params });
    await updateCommand(ds, command.id, { countAttempt: true, sentAt: new Date(), vendorReference: sent.vendorReference ?? null, ...outcomeFields(sent) });
    log.info('command sent', { commandId: command.id, command: command.command, status: sent.status });
    if (sent.status === 'pending') {
      if (!connector.commandStatus) {
        await updateCommand(ds, command.id, { status: 'completed', completedAt: new Date() });
        return { commandId: command.id, status: 'completed' };
      }
      return await delayPoll();
    }
    return { commandId: command.id, status: sent.status };
  } catch (err) {
    if (err instanceof DelayedError) throw err;
    return await handleCommandFailure(deps, job, token, command, err, log);
  } finally {
    await connector.close?.();
  }
}

function outcomeFields(r: CommandResult): Parameters<typeof updateCommand>[2] {
  const done = r.status !== 'pending';
  return { status: r.status, result: r.detail ?? null, error: r.status === 'failed' ? r.message ?? 'the vendor reported the command failed' : null, ...(done ? { completedAt: new Date() } : {}) };
}

async function handleCommandFailure(deps: PushWorkerDeps, job: Job, token: string | undefined, command: DeviceCommandEntity, err: unknown, log: Logger): Promise<never> {
  const decision = decideFailure(err, job.attemptsMade, job.opts.attempts ?? 1, Date.now());
  if (decision.action === 'delay' && token) {
    await job.moveToDelayed(decision.until.getTime(), token);
    throw new DelayedError();
  }
  const kind = decision.action === 'delay' ? 'rate_limited' : decision.kind;
  const message = decision.action === 'delay' ? 'vendor rate limit' : decision.message;
  const final = decision.action === 'fail';
  await updateCommand(deps.dataSource, command.id, { errorKind: kind, error: message, ...(final ? { status: 'failed', completedAt: new Date() } : {}) });
  log.warn('command attempt failed', { commandId: command.id, command: command.command, kind, final });
  if (decision.action === 'fail' && decision.permanent) throw new UnrecoverableError(message);
  throw err;
}
