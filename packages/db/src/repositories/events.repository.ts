import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { NotFoundError, newId } from '@trustsync/core';
import { IntegrationEntity } from '../entities';
import type { PageOf, Paging } from './read-models.repository';
import { returnedRows } from './returned-rows';

/**
 * Event type of a verified delivery its vendor's parser refused. It is stored anyway, with the
 * whole body, so the webhook worker marks it failed with the reason and it can be replayed once
 * the parser knows the shape.
 */
export const UNPARSED_EVENT_TYPE = 'trustsync.unparsed_delivery';

/** Where an event stands: waiting for (or in) the worker, applied, or given up on. */
export type EventStatus = 'pending' | 'processed' | 'failed';

/** An event about to be stored, already verified and parsed. */
export interface NewIntegrationEvent {
  /** The vendor's id, or `sha256:<payload hash>` when it sends none. */
  externalEventId: string;
  eventType: string;
  category: string | null;
  sourceEntityType: string | null;
  sourceEntityId: string | null;
  severity: string | null;
  payload: unknown;
  payloadHash: string;
  eventTime: string | null;
}

/** A vendor event as a webhook scheme parses it (structurally the connectors' `ParsedWebhookEvent`). */
export interface ParsedEventFields {
  externalEventId: string | null;
  eventType: string;
  category: string | null;
  sourceEntityType: string | null;
  sourceEntityId: string | null;
  severity: string | null;
  eventTime: string | null;
  payload: unknown;
}

const EXTERNAL_ID_MAX = 200;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function isoOrNull(value: string | null): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The row for a parsed event; an event without a vendor id is identified by its payload hash. */
export function newEventFromParsed(e: ParsedEventFields): NewIntegrationEvent {
  const payloadHash = sha256(JSON.stringify(e.payload) ?? 'null');
  const vendorId = e.externalEventId;
  const externalEventId = !vendorId ? `sha256:${payloadHash}` : vendorId.length > EXTERNAL_ID_MAX ? `sha256:${sha256(vendorId)}` : vendorId;
  return {
    externalEventId,
    eventType: e.eventType.slice(0, 100),
    category: e.category,
    sourceEntityType: e.sourceEntityType,
    sourceEntityId: e.sourceEntityId && e.sourceEntityId.length <= 200 ? e.sourceEntityId : null,
    severity: e.severity,
    payload: e.payload,
    payloadHash,
    eventTime: isoOrNull(e.eventTime),
  };
}

/** The row for a verified delivery its vendor's parser refused: the whole body, and the reason. */
export function newUnparsedEvent(body: unknown, reason: string): NewIntegrationEvent {
  const payloadHash = sha256(JSON.stringify(body) ?? 'null');
  return {
    externalEventId: `sha256:${payloadHash}`,
    eventType: UNPARSED_EVENT_TYPE,
    category: 'other',
    sourceEntityType: null,
    sourceEntityId: null,
    severity: null,
    payload: { body, parse_error: reason.slice(0, 500) },
    payloadHash,
    eventTime: null,
  };
}

/** One stored event with its processing state. */
export interface StoredEvent {
  id: string;
  integrationId: string;
  externalEventId: string;
  eventType: string;
  category: string | null;
  sourceEntityType: string | null;
  sourceEntityId: string | null;
  severity: string | null;
  payload: unknown;
  payloadHash: string;
  eventTime: Date | null;
  receivedAt: Date;
  deliveryMethod: string;
  status: EventStatus;
  processed: boolean;
  processedAt: Date | null;
  attempts: number;
  enqueuedAt: Date | null;
  result: Record<string, unknown> | null;
  error: string | null;
}

/** What storing a delivery did: the ids of new rows, and how many were already stored. */
export interface RecordedEvents {
  accepted: string[];
  duplicates: number;
}

/** Filters of the event list and of bulk replay. */
export interface EventFilters {
  eventType?: string;
  category?: string;
  status?: EventStatus;
  processed?: boolean;
  since?: Date;
  until?: Date;
}

/** A rejected delivery as the ingress saw it; never its body or header values. */
export interface NewWebhookRejection {
  integrationId: string;
  sourceIp: string | null;
  reason: string;
  bodySha256: string;
  bodyBytes: number;
  headerNames: string[];
}

/** One row of the rejected-deliveries log. */
export interface WebhookRejection extends NewWebhookRejection {
  id: string;
  receivedAt: Date;
}

/** Webhook health of one integration, for operators. */
export interface WebhookStatus {
  webhookEnabled: boolean;
  missedWebhooks: number;
  missedWebhooksTotal: number;
  missedWebhooksCheckedAt: Date | null;
  eventsPending: number;
  eventsFailed: number;
  lastEventReceivedAt: Date | null;
  rejectionsLast24h: number;
}

const EVENT_COLUMNS = `id, integration_id, external_event_id, event_type, category, source_entity_type, source_entity_id, severity,
  payload, payload_hash, event_time, received_at, delivery_method, status, processed, processed_at, attempts, enqueued_at, result, error`;

interface EventRow {
  id: string;
  integration_id: string;
  external_event_id: string;
  event_type: string;
  category: string | null;
  source_entity_type: string | null;
  source_entity_id: string | null;
  severity: string | null;
  payload: unknown;
  payload_hash: string;
  event_time: Date | null;
  received_at: Date;
  delivery_method: string;
  status: EventStatus;
  processed: boolean;
  processed_at: Date | null;
  attempts: number;
  enqueued_at: Date | null;
  result: Record<string, unknown> | null;
  error: string | null;
}

function toEvent(r: EventRow): StoredEvent {
  return {
    id: r.id,
    integrationId: r.integration_id,
    externalEventId: r.external_event_id,
    eventType: r.event_type,
    category: r.category,
    sourceEntityType: r.source_entity_type,
    sourceEntityId: r.source_entity_id,
    severity: r.severity,
    payload: r.payload,
    payloadHash: r.payload_hash,
    eventTime: r.event_time,
    receivedAt: r.received_at,
    deliveryMethod: r.delivery_method,
    status: r.status,
    processed: r.processed,
    processedAt: r.processed_at,
    attempts: r.attempts,
    enqueuedAt: r.enqueued_at,
    result: r.result,
    error: r.error,
  };
}


/** The integration a webhook URL names, or null; callers answer every miss the same way. */
export async function findWebhookIntegration(ds: DataSource, id: string): Promise<IntegrationEntity | null> {
  if (!/^INT-[0-9A-Z]{12}$/.test(id)) return null;
  return ds.getRepository(IntegrationEntity).findOneBy({ id });
}

/**
 * Stores the events of one delivery in one statement (so all or none commit). Events whose
 * (integration, external id) is already stored are skipped and counted as duplicates; a
 * repeated id inside one delivery is stored once.
 */
export async function recordEvents(ds: DataSource, integrationId: string, events: NewIntegrationEvent[], deliveryMethod = 'webhook'): Promise<RecordedEvents> {
  const unique = [...new Map(events.map((e) => [e.externalEventId, e])).values()];
  if (unique.length === 0) return { accepted: [], duplicates: 0 };
  const ids = unique.map(() => newId('EVT'));
  const rows: Array<{ id: string }> = await ds.query(
    `INSERT INTO integration_events (id, integration_id, external_event_id, event_type, category, source_entity_type, source_entity_id, severity, payload, payload_hash, event_time, delivery_method)
     SELECT v.id, $1, v.eid, v.etype, v.cat, v.stype, v.sid, v.sev, v.payload, v.hash, v.etime, $12
     FROM unnest($2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::varchar[], $8::varchar[], $9::jsonb[], $10::varchar[], $11::timestamptz[])
       AS v(id, eid, etype, cat, stype, sid, sev, payload, hash, etime)
     ON CONFLICT (integration_id, external_event_id) DO NOTHING
     RETURNING id`,
    [
      integrationId,
      ids,
      unique.map((e) => e.externalEventId),
      unique.map((e) => e.eventType),
      unique.map((e) => e.category),
      unique.map((e) => e.sourceEntityType),
      unique.map((e) => e.sourceEntityId),
      unique.map((e) => e.severity),
      unique.map((e) => JSON.stringify(e.payload)),
      unique.map((e) => e.payloadHash),
      unique.map((e) => e.eventTime),
      deliveryMethod,
    ],
  );
  const stored = new Set(rows.map((r) => r.id));
  // RETURNING has no guaranteed order; keep the delivery's order for the answer.
  const accepted = ids.filter((id) => stored.has(id));
  return { accepted, duplicates: events.length - accepted.length };
}

/** Notes that these events' jobs reached Redis, taking them out of the outbox. */
export async function markEventsEnqueued(ds: DataSource, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await ds.query(`UPDATE integration_events SET enqueued_at = now() WHERE id = ANY($1::varchar[])`, [ids]);
}

/**
 * Pending events the sweeper must (re-)enqueue: never enqueued and older than
 * `unenqueuedOlderThanMs` (the ingress' enqueue failed), or enqueued longer than
 * `reenqueueAfterMs` ago and still pending (their job may be gone). Oldest first.
 */
export async function findOutboxEvents(ds: DataSource, opts: { unenqueuedOlderThanMs: number; reenqueueAfterMs: number; limit: number }): Promise<Array<{ id: string; enqueued: boolean }>> {
  const rows: Array<{ id: string; enqueued_at: Date | null }> = await ds.query(
    `SELECT id, enqueued_at FROM integration_events
     WHERE status = 'pending'
       AND ((enqueued_at IS NULL AND received_at < now() - make_interval(secs => $1::float8 / 1000))
         OR enqueued_at < now() - make_interval(secs => $2::float8 / 1000))
     ORDER BY received_at ASC
     LIMIT $3`,
    [opts.unenqueuedOlderThanMs, opts.reenqueueAfterMs, opts.limit],
  );
  return rows.map((r) => ({ id: r.id, enqueued: r.enqueued_at !== null }));
}

/** The event with this id, or null. */
export async function findEvent(ds: DataSource, id: string): Promise<StoredEvent | null> {
  const rows: EventRow[] = await ds.query(`SELECT ${EVENT_COLUMNS} FROM integration_events WHERE id = $1`, [id]);
  return rows[0] ? toEvent(rows[0]) : null;
}

/** The event with this id, or a NotFoundError. */
export async function getEvent(ds: DataSource, id: string): Promise<StoredEvent> {
  const event = await findEvent(ds, id);
  if (!event) throw new NotFoundError('event', id);
  return event;
}

/**
 * Counts an attempt on a pending event and returns it; null when the event is gone or no longer
 * pending (already processed, or failed for good), so a repeated job does nothing.
 */
export async function beginEventAttempt(ds: DataSource, id: string): Promise<StoredEvent | null> {
  const rows = returnedRows<EventRow>(
    await ds.query(`UPDATE integration_events SET attempts = attempts + 1 WHERE id = $1 AND status = 'pending' RETURNING ${EVENT_COLUMNS}`, [id]),
  );
  return rows[0] ? toEvent(rows[0]) : null;
}

/** Records a successful apply; false when the event was not pending (a concurrent run finished first). */
export async function markEventProcessed(ds: DataSource, id: string, result: Record<string, unknown>): Promise<boolean> {
  const rows = returnedRows<{ id: string }>(
    await ds.query(
      `UPDATE integration_events SET status = 'processed', processed = true, processed_at = now(), result = $2, error = NULL
       WHERE id = $1 AND status = 'pending' RETURNING id`,
      [id, JSON.stringify(result)],
    ),
  );
  return rows.length === 1;
}

/** Gives up on an event: it stays failed, with the reason, until someone replays it. */
export async function markEventFailed(ds: DataSource, id: string, reason: string): Promise<void> {
  await ds.query(
    `UPDATE integration_events SET status = 'failed', processed = false, processed_at = now(), error = $2 WHERE id = $1 AND status = 'pending'`,
    [id, reason.slice(0, 2000)],
  );
}

/** Notes why an attempt failed while the event stays pending for the next retry. */
export async function recordEventAttemptError(ds: DataSource, id: string, reason: string): Promise<void> {
  await ds.query(`UPDATE integration_events SET error = $2 WHERE id = $1 AND status = 'pending'`, [id, reason.slice(0, 2000)]);
}

function filterSql(f: EventFilters, params: unknown[]): string {
  const where: string[] = [];
  const add = (sql: string, value: unknown): void => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.eventType !== undefined) add('event_type = ?', f.eventType);
  if (f.category !== undefined) add('category = ?', f.category);
  if (f.status !== undefined) add('status = ?', f.status);
  if (f.processed !== undefined) add('processed = ?', f.processed);
  if (f.since !== undefined) add('received_at >= ?', f.since);
  if (f.until !== undefined) add('received_at < ?', f.until);
  return where.map((w) => ` AND ${w}`).join('');
}

/** One page of an integration's events, newest first, without their payloads. */
export async function listEvents(ds: DataSource, integrationId: string, filters: EventFilters, paging: Paging): Promise<PageOf<Omit<StoredEvent, 'payload'>>> {
  const params: unknown[] = [integrationId];
  const where = `integration_id = $1${filterSql(filters, params)}`;
  const [count]: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM integration_events WHERE ${where}`, params);
  const rows: EventRow[] = await ds.query(
    `SELECT ${EVENT_COLUMNS.replace('payload, ', '')} FROM integration_events WHERE ${where}
     ORDER BY received_at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, paging.pageSize, (paging.page - 1) * paging.pageSize],
  );
  return {
    items: rows.map((r) => {
      const { payload: _payload, ...rest } = toEvent(r);
      return rest;
    }),
    total: count.n,
  };
}

/**
 * Puts events back to pending for a replay (clearing result, error and the enqueue mark, so the
 * outbox covers a failed enqueue). Returns the ids reset, at most `limit`, oldest first.
 */
export async function resetEventsForReplay(ds: DataSource, sel: { ids: string[] } | { integrationId: string; filters: EventFilters; limit: number }): Promise<string[]> {
  const params: unknown[] = [];
  let chosen: string;
  if ('ids' in sel) {
    params.push(sel.ids);
    chosen = `SELECT id FROM integration_events WHERE id = ANY($1::varchar[])`;
  } else {
    params.push(sel.integrationId);
    const where = filterSql(sel.filters, params);
    params.push(sel.limit);
    chosen = `SELECT id FROM integration_events WHERE integration_id = $1${where} ORDER BY received_at ASC LIMIT $${params.length}`;
  }
  const rows = returnedRows<{ id: string; received_at: Date }>(
    await ds.query(
      `UPDATE integration_events SET status = 'pending', processed = false, processed_at = NULL, result = NULL, error = NULL, enqueued_at = NULL
       WHERE id IN (${chosen}) RETURNING id, received_at`,
      params,
    ),
  );
  return rows.sort((a, b) => a.received_at.getTime() - b.received_at.getTime()).map((r) => r.id);
}

/** Appends a rejected delivery to the log. */
export async function recordWebhookRejection(ds: DataSource, r: NewWebhookRejection): Promise<void> {
  await ds.query(
    `INSERT INTO webhook_rejections (integration_id, source_ip, reason, body_sha256, body_bytes, header_names) VALUES ($1, $2, $3, $4, $5, $6)`,
    [r.integrationId, r.sourceIp?.slice(0, 64) ?? null, r.reason.slice(0, 300), r.bodySha256, r.bodyBytes, JSON.stringify(r.headerNames.slice(0, 50))],
  );
}

/** One page of an integration's rejected deliveries, newest first. */
export async function listWebhookRejections(ds: DataSource, integrationId: string, paging: Paging): Promise<PageOf<WebhookRejection>> {
  const [count]: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM webhook_rejections WHERE integration_id = $1`, [integrationId]);
  const rows: Array<{ id: string; integration_id: string; source_ip: string | null; reason: string; body_sha256: string; body_bytes: number; header_names: string[]; received_at: Date }> = await ds.query(
    `SELECT id, integration_id, source_ip, reason, body_sha256, body_bytes, header_names, received_at FROM webhook_rejections
     WHERE integration_id = $1 ORDER BY received_at DESC, id DESC LIMIT $2 OFFSET $3`,
    [integrationId, paging.pageSize, (paging.page - 1) * paging.pageSize],
  );
  return {
    items: rows.map((r) => ({ id: String(r.id), integrationId: r.integration_id, sourceIp: r.source_ip, reason: r.reason, bodySha256: r.body_sha256, bodyBytes: r.body_bytes, headerNames: r.header_names, receivedAt: r.received_at })),
    total: count.n,
  };
}

/** Webhook health of an integration: missed-webhook counts, backlog, failures and recent rejections. */
export async function getWebhookStatus(ds: DataSource, integrationId: string): Promise<WebhookStatus> {
  const rows: Array<Record<string, unknown>> = await ds.query(
    `SELECT i.webhook_enabled, i.missed_webhooks, i.missed_webhooks_total, i.missed_webhooks_checked_at,
       (SELECT count(*)::int FROM integration_events e WHERE e.integration_id = i.id AND e.status = 'pending') AS pending,
       (SELECT count(*)::int FROM integration_events e WHERE e.integration_id = i.id AND e.status = 'failed') AS failed,
       (SELECT max(received_at) FROM integration_events e WHERE e.integration_id = i.id) AS last_received,
       (SELECT count(*)::int FROM webhook_rejections r WHERE r.integration_id = i.id AND r.received_at > now() - interval '24 hours') AS rejections
     FROM integrations i WHERE i.id = $1`,
    [integrationId],
  );
  const r = rows[0];
  if (!r) throw new NotFoundError('integration', integrationId);
  return {
    webhookEnabled: r.webhook_enabled as boolean,
    missedWebhooks: r.missed_webhooks as number,
    missedWebhooksTotal: r.missed_webhooks_total as number,
    missedWebhooksCheckedAt: (r.missed_webhooks_checked_at as Date | null) ?? null,
    eventsPending: r.pending as number,
    eventsFailed: r.failed as number,
    lastEventReceivedAt: (r.last_received as Date | null) ?? null,
    rejectionsLast24h: r.rejections as number,
  };
}

/** What the platform last stored of one vendor entity: the record it was written from. */
export interface MappedRecord {
  platformId: string;
  record: Record<string, unknown>;
  active: boolean;
}

// Sync types whose pull lists each entity type.
const PULLS_OF: Record<string, string[]> = {
  device: ['full', 'incremental', 'devices'],
  user: ['full', 'incremental', 'users'],
  detection: ['full', 'incremental', 'detections'],
  policy: ['full', 'incremental', 'policies'],
};

/** What applying an event needs to know, read in one round trip. */
export interface ApplyContext {
  /**
   * True when applying the event would go back in time: a newer event for the same entity was
   * already applied, or a pull of its entity type began after the event happened (so it already
   * saw the state the event led to, or a later one). Late and out-of-order deliveries then
   * change nothing.
   */
  superseded: boolean;
  /** The last record written for the entity (the mapping's attributes), or null when it is not known. */
  known: MappedRecord | null;
}

/** The superseded check and the last known record of the entity an event changes. */
export async function findApplyContext(
  ds: DataSource,
  event: Pick<StoredEvent, 'id' | 'integrationId' | 'eventTime' | 'receivedAt'>,
  entityType: string,
  externalId: string,
): Promise<ApplyContext> {
  const at = event.eventTime ?? event.receivedAt;
  const rows: Array<{ superseded: boolean; platform_entity_id: string | null; attributes: Record<string, unknown> | null; active: boolean | null }> = await ds.query(
    `SELECT
       (EXISTS (SELECT 1 FROM integration_events e
          WHERE e.integration_id = $1 AND e.source_entity_type = $2 AND e.source_entity_id = $3
            AND e.status = 'processed' AND e.id <> $4 AND COALESCE(e.event_time, e.received_at) > $5)
        OR EXISTS (SELECT 1 FROM integration_syncs s
          WHERE s.integration_id = $1 AND s.status = 'completed' AND s.started_at > $5 AND s.sync_type = ANY($6::varchar[]))) AS superseded,
       m.platform_entity_id, m.attributes, m.active
     FROM (SELECT 1) AS one
     LEFT JOIN integration_mappings m ON m.integration_id = $1 AND m.external_entity_type = $2 AND m.external_entity_id = $3`,
    [event.integrationId, entityType, externalId, event.id, at, PULLS_OF[entityType] ?? []],
  );
  const r = rows[0];
  return {
    superseded: r?.superseded === true,
    known: r?.platform_entity_id ? { platformId: r.platform_entity_id, record: r.attributes ?? {}, active: r.active === true } : null,
  };
}
