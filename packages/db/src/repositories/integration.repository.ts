import type { DataSource } from 'typeorm';
import { ConflictError, NotFoundError, SecretBox, maskSecret, newId } from '@trustsync/core';
import type { IntegrationType } from '@trustsync/model';
import { IntegrationEntity } from '../entities';

/** Decrypted credential fields by name (structurally the connectors' `Credentials`). */
export type CredentialFields = Record<string, string>;

/** What an operator configures on an integration, in camelCase; secrets in clear, sealed here. */
export interface IntegrationInput {
  name: string;
  integrationType: IntegrationType;
  authType: string;
  description?: string | null;
  endpoint?: string | null;
  apiVersion?: string | null;
  region?: string | null;
  credentials?: CredentialFields;
  syncEnabled?: boolean;
  syncIntervalMinutes?: number;
  webhookEnabled?: boolean;
  webhookSecret?: string | null;
  features?: string[];
  syncDevices?: boolean;
  syncUsers?: boolean;
  syncPolicies?: boolean;
  syncEvents?: boolean;
  pushCompliance?: boolean;
  pushRiskScores?: boolean;
  pushPolicies?: boolean;
  rateLimitRequests?: number | null;
  rateLimitPeriodSeconds?: number | null;
  enabled?: boolean;
  settings?: Record<string, unknown>;
}

/** A partial update; given credential fields replace stored ones field by field. */
export type IntegrationPatch = Partial<IntegrationInput>;

/** The integration fields a connector may read (structurally the connectors' `IntegrationView`). */
export interface ConnectorIntegrationView {
  id: string;
  type: IntegrationType;
  endpoint: string | null;
  region: string | null;
  apiVersion: string | null;
  authType: string;
  settings: Record<string, unknown>;
}

/** Filters and paging for `listIntegrations`. */
export interface IntegrationListQuery {
  page: number;
  pageSize: number;
  integrationType?: string;
  enabled?: boolean;
}

/** Health values an integration can carry. */
export type IntegrationHealth = 'unknown' | 'healthy' | 'unhealthy';

// Columns an operator may set directly; secrets and stats are handled apart.
const PLAIN_FIELDS = [
  'name', 'integrationType', 'authType', 'description', 'endpoint', 'apiVersion', 'region', 'syncEnabled',
  'syncIntervalMinutes', 'webhookEnabled', 'features', 'syncDevices', 'syncUsers', 'syncPolicies', 'syncEvents',
  'pushCompliance', 'pushRiskScores', 'pushPolicies', 'rateLimitRequests', 'rateLimitPeriodSeconds', 'enabled', 'settings',
] as const;

function hintsFor(credentials: CredentialFields): Record<string, string> {
  return Object.fromEntries(Object.entries(credentials).map(([field, value]) => [field, maskSecret(value)]));
}

function tokenExpiry(credentials: CredentialFields): Date | null {
  const raw = credentials.token_expires_at;
  const at = raw ? new Date(raw) : null;
  return at && !Number.isNaN(at.getTime()) ? at : null;
}

function applyCredentials(entity: IntegrationEntity, box: SecretBox, credentials: CredentialFields): void {
  const filled = Object.fromEntries(Object.entries(credentials).filter(([, v]) => v !== ''));
  entity.credentialsSealed = Object.keys(filled).length > 0 ? box.seal(JSON.stringify(filled)) : null;
  entity.credentialHints = hintsFor(filled);
  entity.tokenExpiresAt = tokenExpiry(filled);
}

function applyWebhookSecret(entity: IntegrationEntity, box: SecretBox, secret: string | null): void {
  entity.webhookSecretSealed = secret ? box.seal(secret) : null;
  entity.webhookSecretHint = secret ? maskSecret(secret) : null;
}

function applyPlain(entity: IntegrationEntity, patch: IntegrationPatch): void {
  const target = entity as unknown as Record<string, unknown>;
  for (const field of PLAIN_FIELDS) if (patch[field] !== undefined) target[field] = patch[field];
}

async function saveUniquely(ds: DataSource, entity: IntegrationEntity): Promise<IntegrationEntity> {
  try {
    return await ds.getRepository(IntegrationEntity).save(entity);
  } catch (err) {
    const pg = err as { code?: string; constraint?: string; driverError?: { constraint?: string } };
    if (pg.code === '23505' && (pg.constraint ?? pg.driverError?.constraint) === 'uq_integrations_name') {
      throw new ConflictError(`an integration named "${entity.name}" already exists`, { field: 'name' });
    }
    throw err;
  }
}

/** Creates an integration, sealing its credentials and webhook secret; a taken name is a ConflictError. */
export async function createIntegration(ds: DataSource, box: SecretBox, input: IntegrationInput, actor: string | null): Promise<IntegrationEntity> {
  const entity = ds.getRepository(IntegrationEntity).create({ id: newId('INT'), createdBy: actor, updatedBy: actor });
  applyPlain(entity, input);
  applyCredentials(entity, box, input.credentials ?? {});
  applyWebhookSecret(entity, box, input.webhookSecret ?? null);
  return saveUniquely(ds, entity);
}

/** Applies a partial update; credential fields are merged into the stored ones and re-sealed. */
export async function updateIntegration(ds: DataSource, box: SecretBox, id: string, patch: IntegrationPatch, actor: string | null): Promise<IntegrationEntity> {
  const entity = await getIntegration(ds, id);
  applyPlain(entity, patch);
  if (patch.credentials) applyCredentials(entity, box, { ...openCredentials(entity, box), ...patch.credentials });
  if (patch.webhookSecret !== undefined) applyWebhookSecret(entity, box, patch.webhookSecret);
  entity.updatedBy = actor;
  return saveUniquely(ds, entity);
}

/** Deletes an integration; its syncs, mappings and events go with it (foreign keys cascade). */
export async function deleteIntegration(ds: DataSource, id: string): Promise<void> {
  const result = await ds.getRepository(IntegrationEntity).delete({ id });
  if (!result.affected) throw new NotFoundError('integration', id);
}

/** The integration with this id, or a NotFoundError. */
export async function getIntegration(ds: DataSource, id: string): Promise<IntegrationEntity> {
  const entity = await ds.getRepository(IntegrationEntity).findOneBy({ id });
  if (!entity) throw new NotFoundError('integration', id);
  return entity;
}

/** One page of integrations, oldest first, with the total matching count. */
export async function listIntegrations(ds: DataSource, q: IntegrationListQuery): Promise<{ items: IntegrationEntity[]; total: number }> {
  const qb = ds.getRepository(IntegrationEntity).createQueryBuilder('i');
  if (q.integrationType !== undefined) qb.andWhere('i.integration_type = :type', { type: q.integrationType });
  if (q.enabled !== undefined) qb.andWhere('i.enabled = :enabled', { enabled: q.enabled });
  const [items, total] = await qb
    .orderBy('i.created_at', 'ASC')
    .addOrderBy('i.id', 'ASC')
    .skip((q.page - 1) * q.pageSize)
    .take(q.pageSize)
    .getManyAndCount();
  return { items, total };
}

/** Integrations a bulk sync should cover: enabled, with syncing switched on. */
export async function listSyncableIntegrations(ds: DataSource): Promise<IntegrationEntity[]> {
  return ds.getRepository(IntegrationEntity).find({ where: { enabled: true, syncEnabled: true }, order: { createdAt: 'ASC', id: 'ASC' } });
}

/** Decrypts the stored credentials into their fields (empty when none are stored). */
export function openCredentials(entity: IntegrationEntity, box: SecretBox): CredentialFields {
  if (!entity.credentialsSealed) return {};
  return JSON.parse(box.open(entity.credentialsSealed)) as CredentialFields;
}

/** Decrypts the webhook secret, or null when none is configured. */
export function openWebhookSecret(entity: IntegrationEntity, box: SecretBox): string | null {
  return entity.webhookSecretSealed ? box.open(entity.webhookSecretSealed) : null;
}

/** The fields of an integration a connector may read. */
export function toIntegrationView(entity: IntegrationEntity): ConnectorIntegrationView {
  return {
    id: entity.id,
    type: entity.integrationType as IntegrationType,
    endpoint: entity.endpoint,
    region: entity.region,
    apiVersion: entity.apiVersion,
    authType: entity.authType,
    settings: entity.settings,
  };
}

/** Records the outcome of a health check (a connection test, or a sync that hit an auth failure). */
export async function recordHealth(ds: DataSource, id: string, status: IntegrationHealth, reason: string | null): Promise<IntegrationEntity> {
  const result = await ds
    .getRepository(IntegrationEntity)
    .update({ id }, { healthStatus: status, healthReason: reason, lastHealthCheck: new Date() });
  if (!result.affected) throw new NotFoundError('integration', id);
  return getIntegration(ds, id);
}

const SEALED_COLUMNS = ['credentials_sealed', 'webhook_secret_sealed'] as const;

/** How many sealed values each key id holds, over every integration (what a key's retirement waits for). */
export async function countSealedByKey(ds: DataSource): Promise<Record<string, number>> {
  const rows: Array<{ key_id: string; n: number }> = await ds.query(
    `SELECT split_part(v, ':', 2) AS key_id, count(*)::int AS n
     FROM integrations, LATERAL (VALUES (credentials_sealed), (webhook_secret_sealed)) AS sealed(v)
     WHERE v IS NOT NULL GROUP BY 1 ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.key_id, r.n]));
}

/**
 * Key rotation: re-seals every credential and webhook secret not yet under the active key, a
 * batch at a time, while the services keep running (they open values under any configured key).
 * Each row is written only if it still holds the value read, so a concurrent edit is never
 * overwritten; such a row is simply taken again on the next pass.
 */
export async function resealUnderActiveKey(ds: DataSource, box: SecretBox, batchSize = 200): Promise<{ resealed: number; passes: number }> {
  let resealed = 0;
  let passes = 0;
  for (;;) {
    passes++;
    const rows: Array<{ id: string; credentials_sealed: string | null; webhook_secret_sealed: string | null }> = await ds.query(
      `SELECT id, credentials_sealed, webhook_secret_sealed FROM integrations
       WHERE split_part(credentials_sealed, ':', 2) <> $1 OR split_part(webhook_secret_sealed, ':', 2) <> $1
       ORDER BY id LIMIT $2`,
      [box.activeKeyId, batchSize],
    );
    if (rows.length === 0) return { resealed, passes };
    for (const row of rows) {
      const next = SEALED_COLUMNS.map((c) => (row[c] && SecretBox.keyIdOf(row[c]!) !== box.activeKeyId ? box.seal(box.open(row[c]!)) : row[c]));
      const updated = await ds.query(
        `UPDATE integrations SET credentials_sealed = $2, webhook_secret_sealed = $3
         WHERE id = $1 AND credentials_sealed IS NOT DISTINCT FROM $4 AND webhook_secret_sealed IS NOT DISTINCT FROM $5`,
        [row.id, next[0], next[1], row.credentials_sealed, row.webhook_secret_sealed],
      );
      if (updated[1] === 1) resealed++;
    }
  }
}
