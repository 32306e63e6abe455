import { hash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { newId } from '@trustsync/core';
import {
  deviceCorrelationKey,
  normaliseEmail,
  normaliseSerial,
  sourceKey,
  userCorrelationKey,
  type DevicePostureRecord,
  type DeviceRecord,
  type DetectionRecord,
  type PolicyRecord,
  type UserRecord,
} from '@trustsync/model';
import { returnedRows } from './returned-rows';

/** Platform entity kinds a page can write; `device_posture` patches devices. */
export type PageEntity = 'device' | 'device_posture' | 'user' | 'policy' | 'detection';

/** What one page did to the platform's rows. */
export interface PageCounts {
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  /** Posture patches for devices this integration has not pulled (nothing to patch). */
  skipped: number;
}

/** What writing one record did, and the platform entity it is mapped to. */
export interface RecordOutcome {
  effect: 'created' | 'updated' | 'unchanged';
  platformId: string;
}

/** What applying a page did: its counts, the platform ids it created or changed, and (for entity pages) each record's outcome by external id. */
interface Applied {
  counts: PageCounts;
  changed: string[];
  outcomes?: Map<string, RecordOutcome>;
}

/** Entities written whole (not posture patches). */
export type RecordEntity = Exclude<PageEntity, 'device_posture'>;

/** A committed page: its counts, the progress after it, and the platform entities it created or changed. */
export interface PageWritten {
  counts: PageCounts;
  progress: SyncProgress;
  /** Platform ids (devices, users, …) whose rows this page created or changed: posture evaluation starts from these. */
  changed: string[];
}

/** A page to commit: its records, and whether its external ids count as "seen" for deletion. */
export interface PageWrite {
  integrationId: string;
  syncId: string;
  entity: PageEntity;
  records: unknown[];
  /** True while a full sync walks a complete stream: ids are remembered for deletion detection. */
  trackSeen: boolean;
}

const EMPTY: PageCounts = { processed: 0, created: 0, updated: 0, unchanged: 0, failed: 0, skipped: 0 };
const PREFIX: Record<RecordEntity, 'DEV' | 'USR' | 'POL' | 'DET'> = { device: 'DEV', user: 'USR', policy: 'POL', detection: 'DET' };
const TABLE: Record<RecordEntity, string> = { device: 'devices', user: 'users', policy: 'policies', detection: 'detections' };

/**
 * A stable hash of a normalised record: equal hashes mean nothing the platform keeps changed.
 * One-shot `hash`: the same SHA-1 as createHash() at lower cost, once per record of every page.
 */
export function contentHash(record: unknown): string {
  return hash('sha1', JSON.stringify(record), 'hex');
}

function emptyCounts(): PageCounts {
  return { ...EMPTY };
}

function validExternalId(r: unknown): r is { externalId: string } {
  const id = (r as { externalId?: unknown })?.externalId;
  return typeof id === 'string' && id.length > 0 && id.length <= 200;
}

/** Last record wins for a repeated external id inside one page. */
function dedupe<T extends { externalId: string }>(records: T[]): T[] {
  const byId = new Map<string, T>();
  for (const r of records) byId.set(r.externalId, r);
  return [...byId.values()];
}

function ts(v: string | null | undefined): string | null {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function bool(v: boolean | null | undefined): boolean | null {
  return v === undefined ? null : v;
}

/** Column lists per entity: [column, SQL array type, value getter]. Order is the INSERT order. */
type Column<T> = [string, string, (r: T, key: string) => unknown];

const DEVICE_COLUMNS: Column<DeviceRecord>[] = [
  ['serial_number', 'varchar', (r) => normaliseSerial(r.serialNumber) ?? r.serialNumber ?? null],
  ['name', 'varchar', (r) => r.name],
  ['hostname', 'varchar', (r) => r.hostname],
  ['platform', 'varchar', (r) => r.platform],
  ['os_name', 'varchar', (r) => r.osName],
  ['os_version', 'varchar', (r) => r.osVersion],
  ['model', 'varchar', (r) => r.model],
  ['primary_user_email', 'varchar', (r) => normaliseEmail(r.primaryUserEmail)],
  ['last_seen_at', 'timestamptz', (r) => ts(r.lastSeenAt)],
  ['enrolled_at', 'timestamptz', (r) => ts(r.enrolledAt)],
  ['managed', 'bool', (r) => bool(r.managed)],
  ['agent_installed', 'bool', (r) => bool(r.agentInstalled)],
  ['filevault_enabled', 'bool', (r) => bool(r.filevaultEnabled)],
  ['sip_enabled', 'bool', (r) => bool(r.sipEnabled)],
  ['firewall_enabled', 'bool', (r) => bool(r.firewallEnabled)],
  ['gatekeeper_enabled', 'bool', (r) => bool(r.gatekeeperEnabled)],
  ['status', 'varchar', (r) => (r.status === 'retired' || r.status === 'removed' ? 'removed' : r.status === 'stale' ? 'stale' : 'active')],
];
const USER_COLUMNS: Column<UserRecord>[] = [
  ['email', 'varchar', (r) => normaliseEmail(r.email) ?? r.email],
  ['name', 'varchar', (r) => r.name],
  ['department', 'varchar', (r) => r.department],
  ['job_title', 'varchar', (r) => r.jobTitle],
  ['active', 'bool', (r) => r.active],
  ['status', 'varchar', (r) => (r.active ? 'active' : 'inactive')],
];
const POLICY_COLUMNS: Column<PolicyRecord>[] = [
  ['name', 'varchar', (r) => r.name],
  ['policy_type', 'varchar', (r) => r.policyType],
  ['description', 'text', (r) => r.description],
  ['enabled', 'bool', (r) => r.enabled],
  ['device_count', 'int4', (r) => r.deviceCount],
];
const DETECTION_COLUMNS: Column<DetectionRecord>[] = [
  ['title', 'varchar', (r) => r.title],
  ['severity', 'varchar', (r) => r.severity],
  ['detection_status', 'varchar', (r) => r.status],
  ['classification', 'varchar', (r) => r.classification],
  ['detected_at', 'timestamptz', (r) => ts(r.detectedAt)],
  ['description', 'text', (r) => r.description],
  // Resolved per page from this integration's device mappings (see resolveDetectionDevices).
  ['device_id', 'varchar', () => null],
];

/** Columns where a vendor that does not report a value must not erase another vendor's. */
const MERGED = new Set(['serial_number', 'name', 'hostname', 'platform', 'os_name', 'os_version', 'model', 'primary_user_email', 'enrolled_at', 'managed', 'agent_installed', 'filevault_enabled', 'sip_enabled', 'firewall_enabled', 'gatekeeper_enabled', 'email', 'department', 'job_title', 'device_id']);

function setClause(columns: Column<never>[], target: string, source: string): string {
  return columns
    .map(([c]) => {
      if (c === 'last_seen_at') return `${c} = GREATEST(${source}.${c}, ${target}.${c})`;
      return MERGED.has(c) ? `${c} = COALESCE(${source}.${c}, ${target}.${c})` : `${c} = ${source}.${c}`;
    })
    .join(', ');
}

interface Existing {
  externalId: string;
  platformId: string;
  hash: string;
  active: boolean;
}

/**
 * Writes pull pages into Postgres: platform entities, their mappings to vendor ids, the ids a
 * full sync has seen, and the sync's checkpoint and counts, all in one transaction per page,
 * so a page is either wholly committed with its checkpoint or not at all (a retried job resumes
 * exactly after the last committed page). Unchanged records are recognised by their content
 * hash and not rewritten.
 */
export class SyncStore {
  constructor(private readonly ds: DataSource) {}

  /**
   * Commits one page together with the progress that follows it (the stream's next cursor and
   * the counts). Returns the page's counts and the new progress; the caller adopts the new
   * progress only after this resolves, so memory never runs ahead of the database.
   */
  async writePage(page: PageWrite, progress: SyncProgress, stream: string, nextCursor: string | null): Promise<PageWritten> {
    return this.ds.transaction(async (m) => {
      const { counts, changed } = await this.applyPage(m, page);
      const next = advance(progress, page.entity, stream, nextCursor, counts);
      await m.query(
        `UPDATE integration_syncs SET checkpoint = $2, entity_counts = $3,
           items_processed = $4, items_created = $5, items_updated = $6, items_unchanged = $7, items_failed = $8
         WHERE id = $1`,
        [page.syncId, JSON.stringify(next.checkpoint), JSON.stringify(next.entityCounts), next.totals.processed, next.totals.created, next.totals.updated, next.totals.unchanged, next.totals.failed],
      );
      return { counts, progress: next, changed };
    });
  }

  /**
   * Writes records of one entity type inside the caller's transaction, outside any sync (a
   * webhook apply): the same change detection, correlation and mappings as a page, no checkpoint
   * and no seen set. Returns each written record's outcome by external id (a refused record has none)
   * and the platform ids created or changed.
   */
  async writeRecords(m: EntityManager, integrationId: string, entity: RecordEntity, records: unknown[]): Promise<{ outcomes: Map<string, RecordOutcome>; changed: string[] }> {
    const applied = await this.applyPage(m, { integrationId, syncId: '', entity, records, trackSeen: false });
    return { outcomes: applied.outcomes ?? new Map(), changed: applied.changed };
  }

  /** Marks a stream finished in the checkpoint without a page (an empty stream). */
  async finishStream(syncId: string, progress: SyncProgress, stream: string): Promise<SyncProgress> {
    const next: SyncProgress = { ...progress, checkpoint: { ...progress.checkpoint, [stream]: { ...progress.checkpoint[stream], cursor: null, done: true, pages: progress.checkpoint[stream]?.pages ?? 0 } } };
    await this.ds.query(`UPDATE integration_syncs SET checkpoint = $2 WHERE id = $1`, [syncId, JSON.stringify(next.checkpoint)]);
    return next;
  }

  /**
   * After a successful full sync: every active mapping of the given entity types that the sync
   * did not see is marked inactive (deleted at the vendor), and platform entities left with no
   * active mapping anywhere become `removed`. "Seen" is: written by this sync (last_synced_at
   * after its start) or remembered as unchanged. Returns deletions per entity type, or null when
   * the seen set is incomplete (`expectedSeen` = unchanged records counted) and nothing was deleted.
   */
  async markUnseenDeleted(integrationId: string, syncId: string, entities: PageEntity[], expectedSeen: number): Promise<Record<string, number> | null> {
    const out: Record<string, number> = {};
    if (entities.length === 0) return out;
    const seen: Array<{ n: number }> = await this.ds.query(`SELECT count(*)::int AS n FROM sync_seen_items WHERE sync_id = $1`, [syncId]);
    // Fewer seen rows than unchanged records counted: the unlogged table was emptied by a
    // Postgres crash. Deleting now would delete live records, so deletion waits for the next sync.
    if (Number(seen[0]?.n ?? 0) < expectedSeen) return null;
    await this.ds.transaction(async (m) => {
      const gone = returnedRows<{ platform_entity_type: string; platform_entity_id: string }>(await m.query(
        `UPDATE integration_mappings mp SET active = false, deleted_at = now()
         WHERE mp.integration_id = $1 AND mp.external_entity_type = ANY($3::varchar[]) AND mp.active
           AND mp.last_synced_at < (SELECT started_at FROM integration_syncs WHERE id = $2)
           AND NOT EXISTS (SELECT 1 FROM sync_seen_items s WHERE s.sync_id = $2
             AND s.external_entity_type = mp.external_entity_type AND s.external_entity_id = mp.external_entity_id)
         RETURNING mp.platform_entity_type, mp.platform_entity_id`,
        [integrationId, syncId, entities],
      ));
      for (const g of gone) out[g.platform_entity_type] = (out[g.platform_entity_type] ?? 0) + 1;
      for (const entity of Object.keys(out) as RecordEntity[]) {
        const ids = gone.filter((g) => g.platform_entity_type === entity).map((g) => g.platform_entity_id);
        await m.query(
          `UPDATE ${TABLE[entity]} t SET status = 'removed', updated_at = now()
           WHERE t.id = ANY($1::varchar[]) AND t.status <> 'removed'
             AND NOT EXISTS (SELECT 1 FROM integration_mappings o WHERE o.platform_entity_type = $2 AND o.platform_entity_id = t.id AND o.active)`,
          [ids, entity],
        );
      }
    });
    return out;
  }

  /**
   * Refreshes planner statistics of the tables a stream of `entity` grew (its entity table and
   * the mappings). Called after a stream that created many rows, so the next stream's joins
   * (posture patches, detections) plan against real sizes. Tables the stream did not touch keep
   * their statistics: analysing all six after every big stream sampled unchanged tables again.
   */
  async refreshStatistics(entity: PageEntity): Promise<void> {
    await this.ds.query(`ANALYZE ${TABLE[entity === 'device_posture' ? 'device' : entity]}, integration_mappings`);
  }

  /** Forgets the ids a sync saw (after it finished, either way). */
  async clearSeen(syncId: string): Promise<void> {
    await this.ds.query(`DELETE FROM sync_seen_items WHERE sync_id = $1`, [syncId]);
  }

  private async applyPage(m: EntityManager, page: PageWrite): Promise<Applied> {
    const valid = page.records.filter(validExternalId);
    const failed = page.records.length - valid.length;
    let counts: Applied;
    switch (page.entity) {
      case 'device':
        counts = await this.upsertEntities(m, page, dedupe(valid as DeviceRecord[]), DEVICE_COLUMNS, (r) => deviceCorrelationKey(page.integrationId, r), (r) => r.name ?? r.serialNumber);
        break;
      case 'user':
        counts = await this.upsertEntities(m, page, dedupe(valid as UserRecord[]), USER_COLUMNS, (r) => userCorrelationKey(page.integrationId, r), (r) => r.email ?? r.name);
        break;
      case 'policy':
        counts = await this.upsertEntities(m, page, dedupe(valid as PolicyRecord[]), POLICY_COLUMNS, (r) => sourceKey(page.integrationId, r.externalId), (r) => r.name);
        break;
      case 'detection':
        counts = await this.upsertEntities(m, page, dedupe(valid as DetectionRecord[]), DETECTION_COLUMNS, (r) => sourceKey(page.integrationId, r.externalId), (r) => r.title);
        break;
      case 'device_posture':
        counts = await this.patchPosture(m, page.integrationId, dedupe(valid as DevicePostureRecord[]));
        break;
    }
    counts.counts.failed += failed;
    counts.counts.processed += failed;
    return counts;
  }

  private async existingMappings(m: EntityManager, integrationId: string, entity: string, ids: string[]): Promise<Map<string, Existing>> {
    const rows: Array<{ external_entity_id: string; platform_entity_id: string; content_hash: string; active: boolean }> = await m.query(
      // One unique-index probe per id. The LIMIT keeps the planner from flattening this into a
      // hash join or an index-prefix filter, which it picks while the table's statistics are
      // stale (a first sync that grows it from empty) and which then reads every mapping per page.
      `SELECT m.external_entity_id, m.platform_entity_id, m.content_hash, m.active
       FROM unnest($3::varchar[]) AS x(eid)
       CROSS JOIN LATERAL (
         SELECT external_entity_id, platform_entity_id, content_hash, active FROM integration_mappings
         WHERE integration_id = $1 AND external_entity_type = $2 AND external_entity_id = x.eid LIMIT 1) m`,
      [integrationId, entity, ids],
    );
    return new Map(rows.map((r) => [r.external_entity_id, { externalId: r.external_entity_id, platformId: r.platform_entity_id, hash: r.content_hash, active: r.active }]));
  }

  private async upsertEntities<T extends { externalId: string }>(
    m: EntityManager,
    page: PageWrite,
    records: T[],
    columns: Column<T>[],
    correlationKey: (r: T) => string,
    displayName: (r: T) => string | null,
  ): Promise<Applied> {
    const counts = emptyCounts();
    counts.processed = records.length;
    if (records.length === 0) return { counts, changed: [] };
    const entity = page.entity as RecordEntity;
    const table = TABLE[entity];
    const existing = await this.existingMappings(m, page.integrationId, entity, records.map((r) => r.externalId));
    const hashes = new Map(records.map((r) => [r.externalId, contentHash(r)]));

    const fresh: T[] = [];
    const changed: Array<{ r: T; platformId: string }> = [];
    for (const r of records) {
      const e = existing.get(r.externalId);
      if (!e) fresh.push(r);
      else if (e.hash !== hashes.get(r.externalId) || !e.active) changed.push({ r, platformId: e.platformId });
      else counts.unchanged++;
    }
    counts.created = fresh.length;
    counts.updated = changed.length;

    const detectionDevices = entity === 'detection' ? await this.resolveDetectionDevices(m, page.integrationId, [...fresh, ...changed.map((c) => c.r)] as unknown as DetectionRecord[]) : undefined;
    const valueOf = (r: T, col: Column<T>): unknown => (col[0] === 'device_id' && detectionDevices ? detectionDevices.get((r as unknown as DetectionRecord).externalId) ?? null : col[2](r, col[0]));

    const platformIds = new Map<string, string>();
    for (const c of changed) platformIds.set(c.r.externalId, c.platformId);

    if (fresh.length > 0) {
      // One row per correlation key: two vendor records of one machine in a page become one device.
      // Sorted, so concurrent syncs of different integrations lock rows in the same order.
      const byKey = new Map<string, T[]>();
      for (const r of fresh) {
        const k = correlationKey(r);
        byKey.set(k, [...(byKey.get(k) ?? []), r]);
      }
      const keys = [...byKey.keys()].sort();
      const colNames = ['id', 'correlation_key', ...columns.map((c) => c[0])];
      const arrays: unknown[][] = colNames.map(() => []);
      for (const k of keys) {
        const r = byKey.get(k)!.at(-1)!;
        arrays[0].push(newId(PREFIX[entity]));
        arrays[1].push(k);
        columns.forEach((col, i) => arrays[i + 2].push(valueOf(r, col)));
      }
      const types = ['varchar', 'varchar', ...columns.map((c) => c[1])];
      const rows: Array<{ id: string; correlation_key: string }> = await m.query(
        `INSERT INTO ${table} (${colNames.join(', ')})
         SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
         ON CONFLICT (correlation_key) DO UPDATE SET ${setClause(columns as Column<never>[], table, 'EXCLUDED')}, updated_at = now()
         RETURNING id, correlation_key`,
        arrays,
      );
      const idByKey = new Map(rows.map((row) => [row.correlation_key, row.id]));
      for (const [k, rs] of byKey) for (const r of rs) platformIds.set(r.externalId, idByKey.get(k)!);
    }

    if (changed.length > 0) {
      const colNames = ['id', ...columns.map((c) => c[0])];
      const types = ['varchar', ...columns.map((c) => c[1])];
      const sorted = [...changed].sort((a, b) => (a.platformId < b.platformId ? -1 : 1));
      const arrays: unknown[][] = colNames.map(() => []);
      for (const { r, platformId } of sorted) {
        arrays[0].push(platformId);
        columns.forEach((col, i) => arrays[i + 1].push(valueOf(r, col)));
      }
      await m.query(
        `UPDATE ${table} t SET ${setClause(columns as Column<never>[], 't', 'v')}, updated_at = now()
         FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) AS v(${colNames.join(', ')})
         WHERE t.id = v.id`,
        arrays,
      );
    }

    const toMap = [...fresh, ...changed.map((c) => c.r)];
    if (toMap.length > 0) {
      await m.query(
        `INSERT INTO integration_mappings (integration_id, platform_entity_type, platform_entity_id, external_entity_type, external_entity_id, external_entity_name, active, content_hash, attributes, last_synced_at, deleted_at)
         SELECT $1, $2, v.pid, $2, v.eid, v.name, true, v.hash, v.attrs, now(), NULL
         FROM unnest($3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::jsonb[]) AS v(pid, eid, name, hash, attrs)
         ON CONFLICT (integration_id, external_entity_type, external_entity_id) DO UPDATE SET
           platform_entity_id = EXCLUDED.platform_entity_id, external_entity_name = EXCLUDED.external_entity_name,
           active = true, content_hash = EXCLUDED.content_hash, attributes = EXCLUDED.attributes,
           last_synced_at = now(), deleted_at = NULL`,
        [
          page.integrationId,
          entity,
          toMap.map((r) => platformIds.get(r.externalId)),
          toMap.map((r) => r.externalId),
          toMap.map((r) => displayName(r)?.slice(0, 500) ?? null),
          toMap.map((r) => hashes.get(r.externalId)),
          toMap.map((r) => JSON.stringify(r)),
        ],
      );
    }

    // Created and changed records carry this sync's last_synced_at; only unchanged ones, which
    // are not written, need remembering as seen.
    const unchanged = page.trackSeen ? records.filter((r) => !platformIds.has(r.externalId)).map((r) => r.externalId) : [];
    if (unchanged.length > 0) {
      await m.query(
        `INSERT INTO sync_seen_items (sync_id, external_entity_type, external_entity_id, integration_id)
         SELECT $1, $2, unnest($3::varchar[]), $4`,
        [page.syncId, entity, unchanged, page.integrationId],
      );
    }
    const outcomes = new Map<string, RecordOutcome>(records.map((r) => {
      const e = existing.get(r.externalId);
      return [r.externalId, { effect: !e ? 'created' : platformIds.has(r.externalId) ? 'updated' : 'unchanged', platformId: platformIds.get(r.externalId) ?? e!.platformId }];
    }));
    return { counts, changed: [...new Set(toMap.map((r) => platformIds.get(r.externalId)!))], outcomes };
  }

  /** Maps each detection to the platform device of its vendor device id, through this integration's mappings. */
  private async resolveDetectionDevices(m: EntityManager, integrationId: string, records: DetectionRecord[]): Promise<Map<string, string>> {
    const deviceIds = [...new Set(records.map((r) => r.deviceExternalId).filter((x): x is string => !!x))];
    if (deviceIds.length === 0) return new Map();
    const mapped = await this.existingMappings(m, integrationId, 'device', deviceIds);
    const out = new Map<string, string>();
    for (const r of records) {
      const d = r.deviceExternalId ? mapped.get(r.deviceExternalId) : undefined;
      if (d) out.set(r.externalId, d.platformId);
    }
    return out;
  }

  /** Applies posture patches to this integration's devices, writing only rows whose values change. */
  private async patchPosture(m: EntityManager, integrationId: string, records: DevicePostureRecord[]): Promise<Applied> {
    const counts = emptyCounts();
    counts.processed = records.length;
    if (records.length === 0) return { counts, changed: [] };
    const fields = [
      ['filevault_enabled', 'filevaultEnabled'],
      ['sip_enabled', 'sipEnabled'],
      ['firewall_enabled', 'firewallEnabled'],
      ['gatekeeper_enabled', 'gatekeeperEnabled'],
    ] as const;
    // Resolve platform ids through the mapping index first: joining the mappings inside the
    // UPDATE lets the planner scan every device once per page.
    const mapped = await this.existingMappings(m, integrationId, 'device', records.map((r) => r.externalId));
    const known = records.filter((r) => mapped.has(r.externalId));
    const args: unknown[][] = [known.map((r) => mapped.get(r.externalId)!.platformId)];
    for (const [, key] of fields) {
      args.push(known.map((r) => r[key] !== undefined));
      args.push(known.map((r) => r[key] ?? null));
    }
    const sets = fields.map(([col], i) => `${col} = CASE WHEN v.h${i} THEN v.v${i} ELSE d.${col} END`).join(', ');
    const distinct = fields.map(([col], i) => `(v.h${i} AND d.${col} IS DISTINCT FROM v.v${i})`).join(' OR ');
    const params = ['$1::varchar[]', ...fields.flatMap((_, i) => [`$${2 + i * 2}::bool[]`, `$${3 + i * 2}::bool[]`])];
    const cols = ['id', ...fields.flatMap((_, i) => [`h${i}`, `v${i}`])];
    const updated: Array<{ id: string }> = known.length === 0 ? [] : await m.query(
      `WITH u AS (
         UPDATE devices d SET ${sets}, updated_at = now()
         FROM unnest(${params.join(', ')}) AS v(${cols.join(', ')})
         WHERE d.id = v.id AND (${distinct})
         RETURNING d.id)
       SELECT id FROM u`,
      args,
    );
    counts.updated = updated.length;
    counts.unchanged = known.length - counts.updated;
    counts.skipped = records.length - known.length;
    return { counts, changed: updated.map((u) => u.id) };
  }
}

/** Counts per entity type in a sync's breakdown. */
export type EntityBreakdown = PageCounts & { deleted: number };

/** A sync's item totals (the integration_syncs columns). */
export interface SyncTotals {
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  failed: number;
}

/** Where a sync stands: per-stream cursors, per-entity counts and totals. Saved with every page. */
export interface SyncProgress {
  /** Per stream: where to resume, and how many unchanged records it committed (each one a row of the seen set). */
  checkpoint: Record<string, { cursor: string | null; done: boolean; pages: number; unchanged?: number }>;
  entityCounts: Record<string, EntityBreakdown>;
  totals: SyncTotals;
}

/** Progress of a sync that has not committed a page yet. */
export function emptyProgress(): SyncProgress {
  return { checkpoint: {}, entityCounts: {}, totals: { processed: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0 } };
}

/**
 * The progress after one committed page. Posture patches are not items of their own (they refine
 * devices the device stream already counted); their effect shows in the `device_posture` breakdown.
 */
export function advance(p: SyncProgress, entity: PageEntity, stream: string, nextCursor: string | null, c: PageCounts): SyncProgress {
  const cur = p.entityCounts[entity] ?? { ...EMPTY, deleted: 0 };
  const entityCounts = {
    ...p.entityCounts,
    [entity]: {
      processed: cur.processed + c.processed,
      created: cur.created + c.created,
      updated: cur.updated + c.updated,
      unchanged: cur.unchanged + c.unchanged,
      deleted: cur.deleted,
      failed: cur.failed + c.failed,
      skipped: cur.skipped + c.skipped,
    },
  };
  const add = entity === 'device_posture' ? emptyCounts() : c;
  const t = p.totals;
  return {
    checkpoint: { ...p.checkpoint, [stream]: { cursor: nextCursor, done: nextCursor === null, pages: (p.checkpoint[stream]?.pages ?? 0) + 1, unchanged: (p.checkpoint[stream]?.unchanged ?? 0) + c.unchanged } },
    entityCounts,
    totals: { processed: t.processed + add.processed, created: t.created + add.created, updated: t.updated + add.updated, unchanged: t.unchanged + add.unchanged, deleted: t.deleted, failed: t.failed + add.failed },
  };
}
