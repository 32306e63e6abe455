import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { NotFoundError, newId } from '@trustsync/core';
import type { PageOf, Paging } from './read-models.repository';
import { returnedRows } from './returned-rows';

/** What a key may do, from least to most: read; trigger syncs, pushes, replays and harmless commands; everything. */
export const API_ROLES = ['viewer', 'operator', 'admin'] as const;

/** One of `API_ROLES`. */
export type ApiRole = (typeof API_ROLES)[number];

/** An API key as stored: never the key itself, only its hash and a hint. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  role: ApiRole;
  keyHint: string;
  createdAt: Date;
  createdBy: string;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
}

/** Why a presented key was refused. */
export type ApiKeyRefusal = 'unknown' | 'revoked' | 'expired';

interface ApiKeyRow {
  id: string;
  name: string;
  role: ApiRole;
  key_hint: string;
  created_at: Date;
  created_by: string;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
}

const COLUMNS = 'id, name, role, key_hint, created_at, created_by, last_used_at, expires_at, revoked_at, revoked_by';
const KEY_PREFIX = 'tsk_';
// last_used_at is a hint for people, so a busy key writes it at most once a minute.
const LAST_USED_RESOLUTION_SECONDS = 60;

function toRecord(r: ApiKeyRow): ApiKeyRecord {
  return {
    id: r.id, name: r.name, role: r.role, keyHint: r.key_hint, createdAt: r.created_at, createdBy: r.created_by,
    lastUsedAt: r.last_used_at, expiresAt: r.expires_at, revokedAt: r.revoked_at, revokedBy: r.revoked_by,
  };
}

/**
 * The stored form of a key. Keys are 256 random bits, so a plain SHA-256 cannot be brute-forced
 * and lets one indexed lookup find the key (a slow password hash would cost every request).
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A short hint that identifies a key to its owner without revealing it. */
function hintOf(key: string): string {
  return `…${key.slice(-4)}`;
}

/** Creates a key and returns it in clear exactly once, with its record. */
export async function createApiKey(
  ds: DataSource,
  input: { name: string; role: ApiRole; expiresAt?: Date | null; createdBy: string },
): Promise<{ key: string; record: ApiKeyRecord }> {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const record = await insertKey(ds, key, input);
  return { key, record };
}

async function insertKey(ds: DataSource, key: string, input: { name: string; role: ApiRole; expiresAt?: Date | null; createdBy: string }): Promise<ApiKeyRecord> {
  const rows: ApiKeyRow[] = await ds.query(
    `INSERT INTO api_keys (id, name, role, key_hash, key_hint, created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [newId('KEY'), input.name, input.role, hashApiKey(key), hintOf(key), input.createdBy, input.expiresAt ?? null],
  );
  return toRecord(rows[0]);
}

/**
 * Makes sure an admin key chosen by the operator (the bootstrap key from the environment or a
 * Secret) exists; returns false when it already did. Its hash is the identity, so restarts and
 * replicas never create it twice.
 */
export async function ensureBootstrapApiKey(ds: DataSource, key: string, name = 'bootstrap'): Promise<boolean> {
  const rows: Array<{ id: string }> = await ds.query(
    `INSERT INTO api_keys (id, name, role, key_hash, key_hint, created_by) VALUES ($1, $2, 'admin', $3, $4, 'bootstrap')
     ON CONFLICT ON CONSTRAINT uq_api_keys_key_hash DO NOTHING RETURNING id`,
    [newId('KEY'), name, hashApiKey(key), hintOf(key)],
  );
  return rows.length > 0;
}

/** The key a presented secret belongs to, or why it is refused; records its use. */
export async function authenticateApiKey(ds: DataSource, presented: string, now = new Date()): Promise<ApiKeyRecord | ApiKeyRefusal> {
  const rows: ApiKeyRow[] = await ds.query(`SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1`, [hashApiKey(presented)]);
  if (rows.length === 0) return 'unknown';
  const record = toRecord(rows[0]);
  if (record.revokedAt) return 'revoked';
  if (record.expiresAt && record.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() > LAST_USED_RESOLUTION_SECONDS * 1000) {
    await ds.query(`UPDATE api_keys SET last_used_at = $2 WHERE id = $1`, [record.id, now]);
  }
  return record;
}

/** Every key, newest first (revoked ones included, marked as such). */
export async function listApiKeys(ds: DataSource, paging: Paging): Promise<PageOf<ApiKeyRecord>> {
  const [count]: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM api_keys`);
  const rows: ApiKeyRow[] = await ds.query(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2`, [paging.pageSize, (paging.page - 1) * paging.pageSize]);
  return { items: rows.map(toRecord), total: count.n };
}

/** Revokes a key at once; revoking a revoked key changes nothing. */
export async function revokeApiKey(ds: DataSource, id: string, by: string): Promise<ApiKeyRecord> {
  const rows = returnedRows<ApiKeyRow>(await ds.query(
    `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()), revoked_by = COALESCE(revoked_by, $2) WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, by],
  ));
  if (rows.length === 0) throw new NotFoundError('api key', id);
  return toRecord(rows[0]);
}
