import { createHash } from 'node:crypto';
import type { DataSource, FindOptionsWhere } from 'typeorm';
import { NotFoundError } from '@trustsync/core';
import { DeviceEntity, PushEntity } from '../entities';
import type { PageOf, Paging } from './read-models.repository';
import { returnedRows } from './returned-rows';

/** The kinds of state TrustSync pushes to vendors. */
export type PushStateKind = 'compliance' | 'risk';

/**
 * Where a push is in its life; `succeeded`, `failed` and `superseded` are final until a retry.
 * `pending_activation`: the vendor staged the change (ZIA) and it takes effect, and the push
 * succeeds, only when the activation that covers it reports ACTIVE.
 */
export type PushStatus = 'queued' | 'sending' | 'retrying' | 'delayed' | 'pending_activation' | 'succeeded' | 'failed' | 'superseded';

/** Push statuses after which nothing more happens without an operator. */
export const FINAL_PUSH_STATUSES: readonly PushStatus[] = ['succeeded', 'failed', 'superseded'];

/** What recording a device state decided: its version and whether this call changed it. */
export interface RecordedState {
  version: number;
  changed: boolean;
  /** True when no state of this kind existed before (the first evaluation of the device). */
  initial: boolean;
}

function hashOf(state: Record<string, unknown>): string {
  const canonical = JSON.stringify(state, Object.keys(state).sort());
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Records the current state of one kind for a device. The version goes up only when the state
 * differs from the stored one, so sending the same state twice yields the same version (and the
 * same idempotency keys), while a change back to an older state gets a new one.
 */
export async function recordDeviceState(ds: DataSource, deviceId: string, kind: PushStateKind, state: Record<string, unknown>): Promise<RecordedState> {
  const hash = hashOf(state);
  const raw = await ds.query(
    `INSERT INTO device_push_states (device_id, kind, version, state_hash, state) VALUES ($1, $2, 1, $3, $4)
     ON CONFLICT (device_id, kind) DO UPDATE SET version = device_push_states.version + 1, state_hash = EXCLUDED.state_hash, state = EXCLUDED.state, updated_at = now()
     WHERE device_push_states.state_hash <> EXCLUDED.state_hash
     RETURNING version, (xmax = 0) AS inserted`,
    [deviceId, kind, hash, JSON.stringify(state)],
  );
  const row = returnedRows<{ version: number; inserted: boolean }>(raw)[0];
  if (row) return { version: row.version, changed: true, initial: row.inserted };
  const current: Array<{ version: number }> = await ds.query(`SELECT version FROM device_push_states WHERE device_id = $1 AND kind = $2`, [deviceId, kind]);
  return { version: current[0].version, changed: false, initial: false };
}

/** The platform's verdict columns on a device. */
export interface DeviceVerdict {
  isCompliant?: boolean | null;
  complianceScore?: number | null;
  riskScore?: number | null;
  riskLevel?: string | null;
}

/** Writes the verdict columns of a device (only the fields given). */
export async function updateDeviceVerdict(ds: DataSource, deviceId: string, verdict: DeviceVerdict): Promise<void> {
  const patch = Object.fromEntries(Object.entries(verdict).filter(([, v]) => v !== undefined));
  if (Object.keys(patch).length > 0) await ds.getRepository(DeviceEntity).update({ id: deviceId }, patch);
}

/** One integration as a push target of one device: its switches and the device's id there, if mapped. */
export interface PushTarget {
  integrationId: string;
  integrationType: string;
  enabled: boolean;
  pushCompliance: boolean;
  pushRiskScores: boolean;
  /** The device's id in that vendor tenant; null when the vendor does not know the device. */
  externalId: string | null;
}

/** Every integration, with the device's active mapping in it when there is one. */
export async function pushTargetsOf(ds: DataSource, deviceId: string): Promise<PushTarget[]> {
  const rows: Array<{ id: string; integration_type: string; enabled: boolean; push_compliance: boolean; push_risk_scores: boolean; external_id: string | null }> = await ds.query(
    `SELECT i.id, i.integration_type, i.enabled, i.push_compliance, i.push_risk_scores,
            (SELECT m.external_entity_id FROM integration_mappings m
              WHERE m.integration_id = i.id AND m.platform_entity_type = 'device' AND m.platform_entity_id = $1 AND m.active
              ORDER BY m.last_synced_at DESC LIMIT 1) AS external_id
       FROM integrations i ORDER BY i.created_at, i.id`,
    [deviceId],
  );
  return rows.map((r) => ({ integrationId: r.id, integrationType: r.integration_type, enabled: r.enabled, pushCompliance: r.push_compliance, pushRiskScores: r.push_risk_scores, externalId: r.external_id }));
}

/** Why an integration gets no push. */
export type PushSkipReason = 'not_routed' | 'integration_disabled' | 'vendor_cannot_receive' | 'push_disabled' | 'no_mapping';

/** The decision for one integration. */
export type PushDecision = { target: PushTarget; send: true; externalId: string } | { target: PushTarget; send: false; reason: PushSkipReason };

/**
 * Decides, for every integration, whether a state of `kind` is sent to it, or why not. `routed`
 * limits automatic pushes to the routing table; an API request passes undefined (every receiver).
 */
export function planPushes(kind: PushStateKind, targets: PushTarget[], canReceive: (integrationType: string, kind: PushStateKind) => boolean, routed?: readonly string[]): PushDecision[] {
  return targets.map((t): PushDecision => {
    if (routed && !routed.includes(t.integrationType)) return { target: t, send: false, reason: 'not_routed' };
    if (!t.enabled) return { target: t, send: false, reason: 'integration_disabled' };
    if (!canReceive(t.integrationType, kind)) return { target: t, send: false, reason: 'vendor_cannot_receive' };
    if (!(kind === 'compliance' ? t.pushCompliance : t.pushRiskScores)) return { target: t, send: false, reason: 'push_disabled' };
    if (!t.externalId) return { target: t, send: false, reason: 'no_mapping' };
    return { target: t, send: true, externalId: t.externalId };
  });
}

/** The inputs of a posture evaluation for a set of devices, read in three queries. */
export interface PostureInputs {
  device: DeviceEntity;
  /** Integration types with an active mapping for the device. */
  reportedBy: string[];
  detections: Array<{ id: string; severity: string | null; status: string | null; detectedAt: string | null }>;
}

/** Devices with the vendors that report them and their detections; plus the vendor types configured. */
export async function loadPostureInputs(ds: DataSource, deviceIds: string[]): Promise<{ devices: Map<string, PostureInputs>; configuredTypes: string[] }> {
  const devices = new Map<string, PostureInputs>();
  if (deviceIds.length === 0) return { devices, configuredTypes: [] };
  const rows = await ds.getRepository(DeviceEntity).createQueryBuilder('d').where('d.id IN (:...ids)', { ids: deviceIds }).getMany();
  for (const d of rows) devices.set(d.id, { device: d, reportedBy: [], detections: [] });
  const mapped: Array<{ device_id: string; integration_type: string }> = await ds.query(
    `SELECT DISTINCT m.platform_entity_id AS device_id, i.integration_type FROM integration_mappings m JOIN integrations i ON i.id = m.integration_id
      WHERE m.platform_entity_type = 'device' AND m.platform_entity_id = ANY($1) AND m.active AND i.enabled`,
    [deviceIds],
  );
  for (const m of mapped) devices.get(m.device_id)?.reportedBy.push(m.integration_type);
  const detections: Array<{ id: string; device_id: string; severity: string | null; detection_status: string | null; detected_at: Date | null }> = await ds.query(
    `SELECT id, device_id, severity, detection_status, detected_at FROM detections WHERE device_id = ANY($1) AND status = 'active'`,
    [deviceIds],
  );
  for (const d of detections) devices.get(d.device_id)?.detections.push({ id: d.id, severity: d.severity, status: d.detection_status, detectedAt: d.detected_at?.toISOString() ?? null });
  const types: Array<{ integration_type: string }> = await ds.query(`SELECT DISTINCT integration_type FROM integrations WHERE enabled ORDER BY integration_type`);
  return { devices, configuredTypes: types.map((t) => t.integration_type) };
}

/** Detections by id with the device they concern (detections with no device are left out). */
export async function devicesOfDetections(ds: DataSource, detectionIds: string[]): Promise<Array<{ detectionId: string; deviceId: string; severity: string | null; title: string | null }>> {
  if (detectionIds.length === 0) return [];
  const rows: Array<{ id: string; device_id: string; severity: string | null; title: string | null }> = await ds.query(
    `SELECT id, device_id, severity, title FROM detections WHERE id = ANY($1) AND device_id IS NOT NULL AND status = 'active'`,
    [detectionIds],
  );
  return rows.map((r) => ({ detectionId: r.id, deviceId: r.device_id, severity: r.severity, title: r.title }));
}

/** A push to record; its idempotency key is derived from (kind, device, integration, state version). */
export interface PushInput {
  integrationId: string;
  deviceId: string;
  externalId: string;
  kind: PushStateKind;
  stateVersion: number;
  payload: Record<string, unknown>;
  trigger: string;
}

/** The idempotency key of a push: one send per (kind, device, integration, state version). */
export function pushIdempotencyKey(p: Pick<PushInput, 'kind' | 'deviceId' | 'integrationId' | 'stateVersion'>): string {
  return `${p.kind}:${p.deviceId}:${p.integrationId}:v${p.stateVersion}`;
}

/** Records a push; when its key exists already, returns the existing push with `created: false`. */
export async function createPush(ds: DataSource, p: PushInput): Promise<{ push: PushEntity; created: boolean }> {
  const key = pushIdempotencyKey(p);
  const raw = await ds.query(
    `INSERT INTO pushes (integration_id, device_id, external_id, kind, state_version, idempotency_key, payload, trigger)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [p.integrationId, p.deviceId, p.externalId, p.kind, p.stateVersion, key, JSON.stringify(p.payload), p.trigger],
  );
  const created = returnedRows<{ id: string }>(raw).length > 0;
  const push = await ds.getRepository(PushEntity).findOneByOrFail({ idempotencyKey: key });
  return { push, created };
}

/** A push by id, or a NotFoundError. */
export async function getPush(ds: DataSource, id: string): Promise<PushEntity> {
  const push = /^\d{1,18}$/.test(id) ? await ds.getRepository(PushEntity).findOneBy({ id }) : null;
  if (!push) throw new NotFoundError('push', id);
  return push;
}

/** Pushes by id, in any order (ids that name nothing are left out). */
export async function pushesByIds(ds: DataSource, ids: string[]): Promise<PushEntity[]> {
  const valid = ids.filter((id) => /^\d{1,18}$/.test(id));
  return valid.length ? ds.getRepository(PushEntity).createQueryBuilder('p').where('p.id IN (:...ids)', { ids: valid }).getMany() : [];
}

/** Push list filters. */
export interface PushFilters {
  integrationId?: string;
  deviceId?: string;
  status?: string;
  kind?: string;
}

/** One page of pushes, newest first. */
export async function listPushes(ds: DataSource, f: PushFilters, paging: Paging): Promise<PageOf<PushEntity>> {
  const where = Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as FindOptionsWhere<PushEntity>;
  const [items, total] = await ds.getRepository(PushEntity).findAndCount({ where, order: { createdAt: 'DESC', id: 'DESC' }, skip: (paging.page - 1) * paging.pageSize, take: paging.pageSize });
  return { items, total };
}

/** True when a newer state of the same kind was recorded for the same device and integration. */
export async function isPushSuperseded(ds: DataSource, push: Pick<PushEntity, 'deviceId' | 'integrationId' | 'kind' | 'stateVersion'>): Promise<boolean> {
  const rows: Array<{ n: number }> = await ds.query(
    `SELECT count(*)::int AS n FROM pushes WHERE device_id = $1 AND integration_id = $2 AND kind = $3 AND state_version > $4`,
    [push.deviceId, push.integrationId, push.kind, push.stateVersion],
  );
  return rows[0].n > 0;
}

/** Claims a push for one send: counts the attempt; null when it is already final or staged (nothing to send). */
export async function beginPushAttempt(ds: DataSource, id: string): Promise<PushEntity | null> {
  const raw = await ds.query(
    `UPDATE pushes SET status = 'sending', attempts = attempts + 1, next_attempt_at = NULL, updated_at = now()
      WHERE id = $1 AND status NOT IN ('succeeded', 'failed', 'superseded', 'pending_activation') RETURNING id`,
    [id],
  );
  return returnedRows(raw).length > 0 ? ds.getRepository(PushEntity).findOneByOrFail({ id }) : null;
}

/** How a push attempt ended. */
export interface PushOutcome {
  status: PushStatus;
  vendorReference?: string | null;
  payloadSummary?: Record<string, unknown> | null;
  errorKind?: string | null;
  error?: string | null;
  nextAttemptAt?: Date | null;
}

/** Records the outcome of an attempt; a 429 (`delayed`) gives the attempt back. */
export async function finishPushAttempt(ds: DataSource, id: string, o: PushOutcome): Promise<void> {
  const final = FINAL_PUSH_STATUSES.includes(o.status);
  await ds.query(
    `UPDATE pushes SET status = $2::varchar, vendor_reference = COALESCE($3, vendor_reference), payload_summary = COALESCE($4::jsonb, payload_summary),
            error_kind = $5, error = $6, next_attempt_at = $7::timestamptz, completed_at = CASE WHEN $8::boolean THEN now() ELSE NULL END,
            attempts = CASE WHEN $2::varchar = 'delayed' THEN greatest(attempts - 1, 0) ELSE attempts END,
            deferrals = CASE WHEN $2::varchar = 'delayed' THEN deferrals + 1 ELSE deferrals END, updated_at = now()
      WHERE id = $1`,
    [id, o.status, o.vendorReference ?? null, o.payloadSummary ? JSON.stringify(o.payloadSummary) : null, o.errorKind ?? null, o.error ?? null, o.nextAttemptAt ?? null, final],
  );
}

/** Marks a push superseded by a newer state (it is never sent). */
export async function supersedePush(ds: DataSource, id: string): Promise<void> {
  await finishPushAttempt(ds, id, { status: 'superseded', error: 'a newer state replaced this one before it was sent' });
}

/** Puts a failed push back in the queue for a retry; false when it is not failed. */
export async function requeueFailedPush(ds: DataSource, id: string): Promise<boolean> {
  const raw = await ds.query(`UPDATE pushes SET status = 'queued', completed_at = NULL, error = NULL, error_kind = NULL, updated_at = now() WHERE id = $1 AND status = 'failed' RETURNING id`, [id]);
  return returnedRows(raw).length > 0;
}

/** The pushes of an integration whose staged change awaits activation, and when the oldest of them was last written. */
export async function pendingActivationPushes(ds: DataSource, integrationId: string): Promise<{ ids: string[]; oldestAt: Date | null }> {
  const rows: Array<{ id: string; updated_at: Date }> = await ds.query(
    `SELECT id, updated_at FROM pushes WHERE integration_id = $1 AND status = 'pending_activation' ORDER BY id`,
    [integrationId],
  );
  const oldest = rows.reduce<Date | null>((min, r) => (min === null || r.updated_at < min ? r.updated_at : min), null);
  return { ids: rows.map((r) => String(r.id)), oldestAt: oldest };
}

/** Integrations with a push staged and waiting for activation since before `before` (a lost activation request). */
export async function integrationsAwaitingActivation(ds: DataSource, before: Date): Promise<string[]> {
  const rows: Array<{ integration_id: string }> = await ds.query(
    `SELECT DISTINCT integration_id FROM pushes WHERE status = 'pending_activation' AND updated_at < $1 ORDER BY integration_id`,
    [before],
  );
  return rows.map((r) => r.integration_id);
}

/**
 * Completes the pushes an activation covered once the vendor reported it active: `succeeded`,
 * with what the activation reported merged into their summaries. Returns how many it completed.
 */
export async function completeActivatedPushes(ds: DataSource, ids: string[], activation: Record<string, unknown>): Promise<number> {
  if (ids.length === 0) return 0;
  const raw = await ds.query(
    `UPDATE pushes SET status = 'succeeded', payload_summary = COALESCE(payload_summary, '{}'::jsonb) || $2::jsonb,
            error = NULL, error_kind = NULL, next_attempt_at = NULL, completed_at = now(), updated_at = now()
      WHERE id = ANY($1::bigint[]) AND status = 'pending_activation' RETURNING id`,
    [ids, JSON.stringify(activation)],
  );
  return returnedRows(raw).length;
}

/** What went wrong with the activation pushes wait on; `final` fails them (an operator may retry them). */
export interface ActivationFailure {
  errorKind: string;
  error: string;
  final: boolean;
  nextAttemptAt?: Date | null;
}

/** Records a failed activation attempt on the pushes that wait on it. Returns how many rows it touched. */
export async function recordActivationFailure(ds: DataSource, ids: string[], f: ActivationFailure): Promise<number> {
  if (ids.length === 0) return 0;
  const raw = await ds.query(
    `UPDATE pushes SET status = CASE WHEN $4::boolean THEN 'failed' ELSE status END, error_kind = $2, error = $3,
            next_attempt_at = $5::timestamptz, completed_at = CASE WHEN $4::boolean THEN now() ELSE NULL END, updated_at = now()
      WHERE id = ANY($1::bigint[]) AND status = 'pending_activation' RETURNING id`,
    [ids, f.errorKind, f.error, f.final, f.nextAttemptAt ?? null],
  );
  return returnedRows(raw).length;
}
