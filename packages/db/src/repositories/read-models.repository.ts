import type { DataSource, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { NotFoundError } from '@trustsync/core';
import {
  type EntityCounts,
  DetectionEntity,
  DeviceEntity,
  IntegrationMappingEntity,
  IntegrationSyncEntity,
  PolicyEntity,
  UserEntity,
} from '../entities';

/** Page position shared by every list query (page is 1-based). */
export interface Paging {
  page: number;
  pageSize: number;
}

/** One page of rows with the total number matching the filters. */
export interface PageOf<T> {
  items: T[];
  total: number;
}

/** Device list filters; `hostname` and `q` match substrings, case-insensitively. */
export interface DeviceFilters {
  serialNumber?: string;
  hostname?: string;
  platform?: string;
  osName?: string;
  status?: string;
  isCompliant?: boolean;
  filevaultEnabled?: boolean;
  firewallEnabled?: boolean;
  integrationId?: string;
  q?: string;
}

/** User list filters; `email` matches case-insensitively. */
export interface UserFilters {
  email?: string;
  status?: string;
  department?: string;
  integrationId?: string;
}

/** Policy list filters. */
export interface PolicyFilters {
  policyType?: string;
  integrationId?: string;
}

/** Detection list filters. */
export interface DetectionFilters {
  severity?: string;
  status?: string;
  deviceId?: string;
  integrationId?: string;
}

/** Sync list filters. */
export interface SyncFilters {
  status?: string;
  syncType?: string;
}

/** Mapping list filters; `entityType` is the platform entity type. */
export interface MappingFilters {
  entityType?: string;
  active?: boolean;
}

/** How one vendor knows a platform entity, as shown next to it. */
export interface MappingSummary {
  integrationId: string;
  integrationType: string | null;
  externalEntityType: string;
  externalEntityId: string;
  externalEntityName: string | null;
  active: boolean;
  lastSyncedAt: Date;
  /** The vendor's own record; only loaded for single-entity reads. */
  attributes?: Record<string, unknown>;
}

/** Platform entity types as mappings name them. */
export type PlatformEntityType = 'device' | 'user' | 'policy' | 'detection';

/** Sync figures for one integration, or for all of them. */
export interface SyncFigures {
  syncsByStatus: Record<string, number>;
  /** Sums of the item columns of syncs. */
  items: EntityCounts;
  /** Over finished syncs (those with a completion time and a duration). */
  averageDurationMs: number | null;
  p95DurationMs: number | null;
  mappingsByEntityType: Record<string, number>;
}

/** Statistics of one integration. */
export interface IntegrationFigures extends SyncFigures {
  integrationId: string;
  name: string;
  integrationType: string;
  healthStatus: string;
  enabled: boolean;
}

/** Statistics across every integration. */
export interface IntegrationStatistics {
  totals: SyncFigures & { integrations: number; integrationsByType: Record<string, number>; integrationsByHealth: Record<string, number> };
  integrations: IntegrationFigures[];
}

function likePattern(value: string): string {
  return `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// Mappings name their platform entity by type and id; this is the "known to that integration" test.
function whereMappedIn<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, alias: string, type: PlatformEntityType, integrationId: string | undefined): void {
  if (integrationId === undefined) return;
  qb.andWhere(
    `EXISTS (SELECT 1 FROM integration_mappings fm WHERE fm.platform_entity_type = :fmType AND fm.platform_entity_id = ${alias}.id AND fm.integration_id = :fmIntegration AND fm.active)`,
    { fmType: type, fmIntegration: integrationId },
  );
}

// Column names come from this file, never from a request; only the values are parameters.
function whereEqual<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, alias: string, equals: Record<string, unknown>): void {
  for (const [column, value] of Object.entries(equals)) {
    if (value !== undefined) qb.andWhere(`${alias}.${column} = :${column}`, { [column]: value });
  }
}

async function pageOf<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, paging: Paging): Promise<PageOf<T>> {
  const [items, total] = await qb.skip((paging.page - 1) * paging.pageSize).take(paging.pageSize).getManyAndCount();
  return { items, total };
}

/** One page of devices, ordered by id. */
export async function listDevices(ds: DataSource, f: DeviceFilters, paging: Paging): Promise<PageOf<DeviceEntity>> {
  const qb = ds.getRepository(DeviceEntity).createQueryBuilder('d');
  if (f.serialNumber !== undefined) qb.andWhere('upper(d.serial_number) = upper(:serial)', { serial: f.serialNumber });
  if (f.hostname !== undefined) qb.andWhere('d.hostname ILIKE :hostname', { hostname: likePattern(f.hostname) });
  whereEqual(qb, 'd', {
    platform: f.platform,
    os_name: f.osName,
    status: f.status,
    is_compliant: f.isCompliant,
    filevault_enabled: f.filevaultEnabled,
    firewall_enabled: f.firewallEnabled,
  });
  if (f.q !== undefined) {
    qb.andWhere('(d.name ILIKE :q OR d.hostname ILIKE :q OR d.serial_number ILIKE :q)', { q: likePattern(f.q) });
  }
  whereMappedIn(qb, 'd', 'device', f.integrationId);
  return pageOf(qb.orderBy('d.id', 'ASC'), paging);
}

/** One page of users, ordered by id. */
export async function listUsers(ds: DataSource, f: UserFilters, paging: Paging): Promise<PageOf<UserEntity>> {
  const qb = ds.getRepository(UserEntity).createQueryBuilder('u');
  if (f.email !== undefined) qb.andWhere('lower(u.email) = lower(:email)', { email: f.email });
  whereEqual(qb, 'u', { status: f.status, department: f.department });
  whereMappedIn(qb, 'u', 'user', f.integrationId);
  return pageOf(qb.orderBy('u.id', 'ASC'), paging);
}

/** One page of policies, ordered by id. */
export async function listPolicies(ds: DataSource, f: PolicyFilters, paging: Paging): Promise<PageOf<PolicyEntity>> {
  const qb = ds.getRepository(PolicyEntity).createQueryBuilder('p');
  whereEqual(qb, 'p', { policy_type: f.policyType });
  whereMappedIn(qb, 'p', 'policy', f.integrationId);
  return pageOf(qb.orderBy('p.id', 'ASC'), paging);
}

/** One page of detections, ordered by id. */
export async function listDetections(ds: DataSource, f: DetectionFilters, paging: Paging): Promise<PageOf<DetectionEntity>> {
  const qb = ds.getRepository(DetectionEntity).createQueryBuilder('x');
  whereEqual(qb, 'x', { severity: f.severity, status: f.status, device_id: f.deviceId });
  whereMappedIn(qb, 'x', 'detection', f.integrationId);
  return pageOf(qb.orderBy('x.id', 'ASC'), paging);
}

/** A device by id, or a NotFoundError. */
export async function getDevice(ds: DataSource, id: string): Promise<DeviceEntity> {
  const device = await ds.getRepository(DeviceEntity).findOneBy({ id });
  if (!device) throw new NotFoundError('device', id);
  return device;
}

/** A user by id, or a NotFoundError. */
export async function getUser(ds: DataSource, id: string): Promise<UserEntity> {
  const user = await ds.getRepository(UserEntity).findOneBy({ id });
  if (!user) throw new NotFoundError('user', id);
  return user;
}

/**
 * The mappings of a set of platform entities in one query (never one per entity), grouped by
 * entity id, with the integration type of each. `withAttributes` adds each vendor's record.
 */
export async function mappingsOf(
  ds: DataSource,
  type: PlatformEntityType,
  ids: string[],
  withAttributes = false,
): Promise<Map<string, MappingSummary[]>> {
  const byEntity = new Map<string, MappingSummary[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byEntity;
  const rows = await ds
    .getRepository(IntegrationMappingEntity)
    .createQueryBuilder('m')
    .leftJoin('m.integration', 'i')
    .addSelect(['i.id', 'i.integrationType'])
    .where('m.platform_entity_type = :type', { type })
    .andWhere('m.platform_entity_id IN (:...ids)', { ids })
    .orderBy('m.integration_id', 'ASC')
    .addOrderBy('m.id', 'ASC')
    .getMany();
  for (const m of rows) {
    byEntity.get(m.platformEntityId)?.push({
      integrationId: m.integrationId,
      integrationType: m.integration?.integrationType ?? null,
      externalEntityType: m.externalEntityType,
      externalEntityId: m.externalEntityId,
      externalEntityName: m.externalEntityName,
      active: m.active,
      lastSyncedAt: m.lastSyncedAt,
      ...(withAttributes ? { attributes: m.attributes } : {}),
    });
  }
  return byEntity;
}

/** One page of an integration's mappings, ordered by id. */
export async function listMappings(ds: DataSource, integrationId: string, f: MappingFilters, paging: Paging): Promise<PageOf<IntegrationMappingEntity>> {
  const qb = ds.getRepository(IntegrationMappingEntity).createQueryBuilder('m').where('m.integration_id = :integrationId', { integrationId });
  whereEqual(qb, 'm', { platform_entity_type: f.entityType, active: f.active });
  return pageOf(qb.orderBy('m.id', 'ASC'), paging);
}

/** One page of an integration's syncs, newest first. */
export async function listSyncs(ds: DataSource, integrationId: string, f: SyncFilters, paging: Paging): Promise<PageOf<IntegrationSyncEntity>> {
  const qb = ds.getRepository(IntegrationSyncEntity).createQueryBuilder('s').where('s.integration_id = :integrationId', { integrationId });
  whereEqual(qb, 's', { status: f.status, sync_type: f.syncType });
  return pageOf(qb.orderBy('s.created_at', 'DESC').addOrderBy('s.id', 'DESC'), paging);
}

/** A sync by id, or a NotFoundError. */
export async function getSync(ds: DataSource, id: string): Promise<IntegrationSyncEntity> {
  const sync = await ds.getRepository(IntegrationSyncEntity).findOneBy({ id });
  if (!sync) throw new NotFoundError('sync', id);
  return sync;
}

type SyncAggregateRow = EntityCounts & { integration_id: string | null; avg_ms: number | null; p95_ms: number | null };

function emptyFigures(): SyncFigures {
  return {
    syncsByStatus: {},
    items: { processed: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0 },
    averageDurationMs: null,
    p95DurationMs: null,
    mappingsByEntityType: {},
  };
}

function addCount(into: Record<string, number>, key: string, n: number): void {
  into[key] = (into[key] ?? 0) + n;
}

/**
 * Figures per integration and overall: integrations by type and health, syncs by status, item
 * sums, average and p95 duration of finished syncs, and active mappings by entity type.
 */
export async function integrationStatistics(ds: DataSource): Promise<IntegrationStatistics> {
  const integrations: Array<{ id: string; name: string; integration_type: string; health_status: string; enabled: boolean }> = await ds.query(
    'SELECT id, name, integration_type, health_status, enabled FROM integrations ORDER BY created_at, id',
  );
  const statusRows: Array<{ integration_id: string; status: string; n: number }> = await ds.query(
    'SELECT integration_id, status, count(*)::int AS n FROM integration_syncs GROUP BY integration_id, status',
  );
  // The empty grouping set yields the overall row (integration_id NULL), so the overall p95 is exact.
  const aggregateRows: SyncAggregateRow[] = await ds.query(
    `SELECT integration_id,
            coalesce(sum(items_processed), 0)::int AS processed, coalesce(sum(items_created), 0)::int AS created,
            coalesce(sum(items_updated), 0)::int AS updated, coalesce(sum(items_unchanged), 0)::int AS unchanged,
            coalesce(sum(items_deleted), 0)::int AS deleted, coalesce(sum(items_failed), 0)::int AS failed,
            round(avg(duration_ms) FILTER (WHERE completed_at IS NOT NULL))::int AS avg_ms,
            round(percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE completed_at IS NOT NULL))::int AS p95_ms
       FROM integration_syncs
      GROUP BY GROUPING SETS ((integration_id), ())`,
  );
  const mappingRows: Array<{ integration_id: string; entity_type: string; n: number }> = await ds.query(
    'SELECT integration_id, platform_entity_type AS entity_type, count(*)::int AS n FROM integration_mappings WHERE active GROUP BY integration_id, platform_entity_type',
  );

  const totals: IntegrationStatistics['totals'] = { ...emptyFigures(), integrations: integrations.length, integrationsByType: {}, integrationsByHealth: {} };
  const perIntegration = new Map<string, IntegrationFigures>();
  for (const i of integrations) {
    addCount(totals.integrationsByType, i.integration_type, 1);
    addCount(totals.integrationsByHealth, i.health_status, 1);
    perIntegration.set(i.id, { ...emptyFigures(), integrationId: i.id, name: i.name, integrationType: i.integration_type, healthStatus: i.health_status, enabled: i.enabled });
  }
  for (const r of statusRows) {
    addCount(totals.syncsByStatus, r.status, r.n);
    const fig = perIntegration.get(r.integration_id);
    if (fig) addCount(fig.syncsByStatus, r.status, r.n);
  }
  for (const r of aggregateRows) {
    const fig = r.integration_id === null ? totals : perIntegration.get(r.integration_id);
    if (!fig) continue;
    const { integration_id, avg_ms, p95_ms, ...items } = r;
    fig.items = items;
    fig.averageDurationMs = r.avg_ms;
    fig.p95DurationMs = r.p95_ms;
  }
  for (const r of mappingRows) {
    addCount(totals.mappingsByEntityType, r.entity_type, r.n);
    const fig = perIntegration.get(r.integration_id);
    if (fig) addCount(fig.mappingsByEntityType, r.entity_type, r.n);
  }
  return { totals, integrations: [...perIntegration.values()] };
}

/** Resolves when Postgres answers a trivial query (readiness). */
export async function pingDatabase(ds: DataSource): Promise<void> {
  await ds.query('SELECT 1');
}
