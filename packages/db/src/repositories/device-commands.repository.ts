import type { DataSource } from 'typeorm';
import { ConflictError, NotFoundError } from '@trustsync/core';
import { AutomaticActionEntity, DeviceCommandEntity, ResponseRuleEntity } from '../entities';
import type { PageOf, Paging } from './read-models.repository';
import { returnedRows } from './returned-rows';

/** Where a command is: queued, sent and waiting for the device (`pending`), or done. */
export type CommandStatus = 'queued' | 'pending' | 'completed' | 'failed';

/** A command to record. */
export interface CommandInput {
  integrationId: string;
  deviceId: string;
  externalId: string;
  command: string;
  params: Record<string, unknown>;
  idempotencyKey?: string | null;
  requestedBy: string | null;
  deadlineAt: Date;
}

function byId(id: string): boolean {
  return /^\d{1,18}$/.test(id);
}

// jsonb stores object keys in its own order: compare parameters independently of it.
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

/**
 * The earlier command of a reused idempotency key, when it is the same request. A key reused for
 * another device, command or parameters is a conflict: answering with the earlier command would
 * report success for a command that was never sent (and let whoever guesses a key pre-empt it).
 */
function replayOf(existing: DeviceCommandEntity, c: CommandInput): DeviceCommandEntity {
  const same = existing.deviceId === c.deviceId && existing.command === c.command && canonical(existing.params ?? {}) === canonical(c.params ?? {});
  if (!same) throw new ConflictError('this Idempotency-Key was already used for a different command', { field: 'Idempotency-Key', command_id: existing.id });
  return existing;
}

/** Records a command; with an idempotency key already used for the same request, returns that command (`created: false`). */
export async function createCommand(ds: DataSource, c: CommandInput): Promise<{ command: DeviceCommandEntity; created: boolean }> {
  const repo = ds.getRepository(DeviceCommandEntity);
  if (c.idempotencyKey) {
    const existing = await repo.findOneBy({ idempotencyKey: c.idempotencyKey });
    if (existing) return { command: replayOf(existing, c), created: false };
  }
  try {
    const command = await repo.save(repo.create({ ...c, idempotencyKey: c.idempotencyKey ?? null, status: 'queued' }));
    return { command, created: true };
  } catch (err) {
    // Two requests with one key raced: the loser answers with the winner's command.
    if ((err as { code?: string }).code === '23505' && c.idempotencyKey) return { command: replayOf(await repo.findOneByOrFail({ idempotencyKey: c.idempotencyKey }), c), created: false };
    throw err;
  }
}

/** A command by id, or a NotFoundError. */
export async function getCommand(ds: DataSource, id: string): Promise<DeviceCommandEntity> {
  const command = byId(id) ? await ds.getRepository(DeviceCommandEntity).findOneBy({ id }) : null;
  if (!command) throw new NotFoundError('command', id);
  return command;
}

/** One page of a device's commands, newest first. */
export async function listDeviceCommands(ds: DataSource, deviceId: string, paging: Paging): Promise<PageOf<DeviceCommandEntity>> {
  const [items, total] = await ds.getRepository(DeviceCommandEntity).findAndCount({ where: { deviceId }, order: { createdAt: 'DESC', id: 'DESC' }, skip: (paging.page - 1) * paging.pageSize, take: paging.pageSize });
  return { items, total };
}

/** Fields of a command the worker updates as it goes. */
export type CommandPatch = Partial<Pick<DeviceCommandEntity, 'status' | 'vendorReference' | 'result' | 'errorKind' | 'error' | 'sentAt' | 'completedAt'>> & { countAttempt?: boolean; countPoll?: boolean };

/** Updates a command's progress. */
export async function updateCommand(ds: DataSource, id: string, patch: CommandPatch): Promise<void> {
  const { countAttempt, countPoll, ...fields } = patch;
  const { result, ...plain } = fields;
  await ds
    .createQueryBuilder()
    .update(DeviceCommandEntity)
    .set({
      ...plain,
      // jsonb goes in as text: TypeORM's deep-partial type cannot express an arbitrary object.
      ...(result !== undefined ? { result: () => (result === null ? 'NULL' : ':result::jsonb') } : {}),
      ...(countAttempt ? { attempts: () => 'attempts + 1' } : {}),
      ...(countPoll ? { polls: () => 'polls + 1' } : {}),
    })
    .where('id = :id', { id, result: result ? JSON.stringify(result) : null })
    .execute();
}

/** What an operator sets on a response rule. */
export interface ResponseRuleInput {
  name: string;
  trigger?: string;
  minSeverity?: string;
  command: string;
  params?: Record<string, unknown>;
  enabled?: boolean;
}

/** Creates a response rule for an integration (off unless `enabled` says otherwise). */
export async function createResponseRule(ds: DataSource, integrationId: string, input: ResponseRuleInput, actor: string | null): Promise<ResponseRuleEntity> {
  const repo = ds.getRepository(ResponseRuleEntity);
  return repo.save(repo.create({ integrationId, trigger: 'detection', minSeverity: 'critical', params: {}, enabled: false, ...input, createdBy: actor }));
}

/** A rule of an integration, or a NotFoundError. */
export async function getResponseRule(ds: DataSource, integrationId: string, id: string): Promise<ResponseRuleEntity> {
  const rule = byId(id) ? await ds.getRepository(ResponseRuleEntity).findOneBy({ id, integrationId }) : null;
  if (!rule) throw new NotFoundError('response rule', id);
  return rule;
}

/** The rules of an integration, oldest first. */
export async function listResponseRules(ds: DataSource, integrationId: string): Promise<ResponseRuleEntity[]> {
  return ds.getRepository(ResponseRuleEntity).find({ where: { integrationId }, order: { id: 'ASC' } });
}

/** Applies a partial update to a rule. */
export async function updateResponseRule(ds: DataSource, integrationId: string, id: string, patch: Partial<ResponseRuleInput>): Promise<ResponseRuleEntity> {
  const rule = await getResponseRule(ds, integrationId, id);
  Object.assign(rule, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
  return ds.getRepository(ResponseRuleEntity).save(rule);
}

/** Deletes a rule; its past actions stay in the audit with no rule. */
export async function deleteResponseRule(ds: DataSource, integrationId: string, id: string): Promise<void> {
  await getResponseRule(ds, integrationId, id);
  await ds.getRepository(ResponseRuleEntity).delete({ id, integrationId });
}

/** Enabled rules of enabled integrations for a trigger. */
export async function enabledResponseRules(ds: DataSource, trigger: string): Promise<ResponseRuleEntity[]> {
  return ds
    .getRepository(ResponseRuleEntity)
    .createQueryBuilder('r')
    .innerJoin('integrations', 'i', 'i.id = r.integration_id AND i.enabled')
    .where('r.enabled AND r.trigger = :trigger', { trigger })
    .orderBy('r.id', 'ASC')
    .getMany();
}

/**
 * Records that a rule fired for (device, trigger) — once only: a second call for the same
 * trigger returns null, so a detection seen by two syncs contains the host once.
 */
export async function recordAutomaticAction(ds: DataSource, a: { ruleId: string; integrationId: string; deviceId: string; triggerRef: string; triggerDetail: Record<string, unknown> }): Promise<AutomaticActionEntity | null> {
  const raw = await ds.query(
    `INSERT INTO automatic_actions (rule_id, integration_id, device_id, trigger_ref, trigger_detail) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (rule_id, device_id, trigger_ref) DO NOTHING RETURNING id`,
    [a.ruleId, a.integrationId, a.deviceId, a.triggerRef, JSON.stringify(a.triggerDetail)],
  );
  const rows = returnedRows<{ id: string }>(raw);
  return rows[0] ? ds.getRepository(AutomaticActionEntity).findOneByOrFail({ id: rows[0].id }) : null;
}

/** Links an automatic action to the command it started. */
export async function attachActionCommand(ds: DataSource, actionId: string, commandId: string): Promise<void> {
  await ds.getRepository(AutomaticActionEntity).update({ id: actionId }, { commandId });
}

/** An automatic action by id, or a NotFoundError. */
export async function getAutomaticAction(ds: DataSource, id: string): Promise<AutomaticActionEntity> {
  const action = byId(id) ? await ds.getRepository(AutomaticActionEntity).findOneBy({ id }) : null;
  if (!action) throw new NotFoundError('automatic action', id);
  return action;
}

/** Automatic action filters. */
export interface AutomaticActionFilters {
  integrationId?: string;
  deviceId?: string;
}

/** One page of the automatic-action audit, newest first. */
export async function listAutomaticActions(ds: DataSource, f: AutomaticActionFilters, paging: Paging): Promise<PageOf<AutomaticActionEntity>> {
  const where = Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined));
  const [items, total] = await ds.getRepository(AutomaticActionEntity).findAndCount({ where, order: { createdAt: 'DESC', id: 'DESC' }, skip: (paging.page - 1) * paging.pageSize, take: paging.pageSize });
  return { items, total };
}

/** Marks an action undone by `undoCommandId`; a second undo is a ConflictError. */
export async function markActionUndone(ds: DataSource, id: string, undoCommandId: string, actor: string | null): Promise<AutomaticActionEntity> {
  const result = await ds.getRepository(AutomaticActionEntity).createQueryBuilder().update().set({ status: 'undone', undoCommandId, undoneAt: () => 'now()', undoneBy: actor }).where('id = :id AND status = :s', { id, s: 'executed' }).execute();
  if (!result.affected) throw new ConflictError(`automatic action ${id} was already undone`);
  return getAutomaticAction(ds, id);
}
