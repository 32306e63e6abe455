import type { DataSource } from 'typeorm';
import type { PageOf, Paging } from './read-models.repository';

/** How an audited request ended: done, refused for its role, or failed (4xx/5xx). */
export type AuditOutcome = 'success' | 'denied' | 'failed';

/** One line of the audit log: who did what to which target, when, and how it ended. */
export interface AuditEntry {
  actorKeyId: string | null;
  actorName: string | null;
  actorRole: string | null;
  action: string;
  method: string;
  path: string;
  targetType: string | null;
  targetId: string | null;
  outcome: AuditOutcome;
  statusCode: number;
  requestId: string | null;
  details?: Record<string, unknown>;
}

/** An audit line as stored. */
export interface AuditRecord extends AuditEntry {
  id: string;
  at: Date;
}

/** Filters of the audit log; all optional, combined with AND. */
export interface AuditFilters {
  actorKeyId?: string;
  action?: string;
  targetId?: string;
  outcome?: AuditOutcome;
  since?: Date;
  until?: Date;
}

/** Appends one line; the table refuses updates and deletes (a trigger), so it is append-only. */
export async function appendAudit(ds: DataSource, e: AuditEntry): Promise<void> {
  await ds.query(
    `INSERT INTO audit_log (actor_key_id, actor_name, actor_role, action, method, path, target_type, target_id, outcome, status_code, request_id, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [e.actorKeyId, e.actorName, e.actorRole, e.action.slice(0, 80), e.method, e.path.slice(0, 300), e.targetType, e.targetId?.slice(0, 120) ?? null, e.outcome, e.statusCode, e.requestId?.slice(0, 100) ?? null, JSON.stringify(e.details ?? {})],
  );
}

/** One page of the audit log, newest first. */
export async function listAudit(ds: DataSource, f: AuditFilters, paging: Paging): Promise<PageOf<AuditRecord>> {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: string, value: unknown): void => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.actorKeyId) add('actor_key_id = ?', f.actorKeyId);
  if (f.action) add('action = ?', f.action);
  if (f.targetId) add('target_id = ?', f.targetId);
  if (f.outcome) add('outcome = ?', f.outcome);
  if (f.since) add('at >= ?', f.since);
  if (f.until) add('at < ?', f.until);
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [count]: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM audit_log ${clause}`, params);
  const rows: Array<Record<string, unknown>> = await ds.query(
    `SELECT id::text AS id, at, actor_key_id, actor_name, actor_role, action, method, path, target_type, target_id, outcome, status_code, request_id, details
     FROM audit_log ${clause} ORDER BY at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, paging.pageSize, (paging.page - 1) * paging.pageSize],
  );
  return {
    items: rows.map((r) => ({
      id: r.id as string, at: r.at as Date, actorKeyId: r.actor_key_id as string | null, actorName: r.actor_name as string | null,
      actorRole: r.actor_role as string | null, action: r.action as string, method: r.method as string, path: r.path as string,
      targetType: r.target_type as string | null, targetId: r.target_id as string | null, outcome: r.outcome as AuditOutcome,
      statusCode: r.status_code as number, requestId: r.request_id as string | null, details: r.details as Record<string, unknown>,
    })),
    total: count.n,
  };
}
