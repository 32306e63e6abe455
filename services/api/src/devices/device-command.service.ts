import { ConflictError, ValidationError } from '@trustsync/core';
import { createCommand, getDevice, pushTargetsOf, type DeviceCommandEntity } from '@trustsync/db';
import type { IntegrationType } from '@trustsync/model';
import { enqueueCommand } from '@trustsync/queue';
import type { ApiContext } from '../api-context';
import { withDeadline } from '../http/deadline';
import { requirePushQueue } from './device-push.service';

/** How long the worker keeps polling a command before recording it as timed out. */
export const COMMAND_DEADLINE_MS = 60 * 60 * 1000;

/** A command request, from a route or from an undo. */
export interface CommandRequestInput {
  deviceId: string;
  command: string;
  params: Record<string, unknown>;
  integrationId?: string;
  idempotencyKey?: string;
  requestedBy: string;
}

/**
 * Picks the integration that runs a command on a device: one whose vendor declares the command
 * and knows the device. More than one candidate needs `integration_id`.
 */
async function commandTarget(ctx: ApiContext, input: CommandRequestInput): Promise<{ integrationId: string; externalId: string }> {
  const able = (await pushTargetsOf(ctx.dataSource, input.deviceId)).filter((t) => {
    const manifest = ctx.vendors[t.integrationType as IntegrationType]?.manifest;
    return t.enabled && t.externalId && manifest?.capabilities.includes('runCommand') && manifest.commands.includes(input.command);
  });
  const chosen = input.integrationId ? able.filter((t) => t.integrationId === input.integrationId) : able;
  if (chosen.length === 0) throw new ConflictError(`no enabled integration that knows this device can run ${input.command}`, { command: input.command, integration_id: input.integrationId ?? null });
  if (chosen.length > 1) throw new ValidationError(`more than one integration can run ${input.command}; name one with integration_id`, chosen.map((t) => ({ integration_id: t.integrationId })));
  return { integrationId: chosen[0].integrationId, externalId: chosen[0].externalId! };
}

/** Records a command and queues it; an idempotency key already used answers with that command. */
export async function requestCommand(ctx: ApiContext, input: CommandRequestInput): Promise<{ command: DeviceCommandEntity; created: boolean }> {
  const queue = requirePushQueue(ctx);
  await getDevice(ctx.dataSource, input.deviceId);
  const target = await commandTarget(ctx, input);
  const result = await createCommand(ctx.dataSource, {
    ...target,
    deviceId: input.deviceId,
    command: input.command,
    params: input.params,
    idempotencyKey: input.idempotencyKey ?? null,
    requestedBy: input.requestedBy,
    deadlineAt: new Date(Date.now() + COMMAND_DEADLINE_MS),
  });
  if (result.created) await withDeadline(enqueueCommand(queue, result.command.id), ctx.enqueueTimeoutMs, 'push queue');
  return result;
}
