import type { DataSource } from 'typeorm';

/**
 * Entity types whose changes each vendor's webhooks report, so a pull that sees such a change
 * without a matching event found a missed webhook. Zscaler NSS records name no entity and Kandji
 * has no webhooks. An integration overrides it with `settings.webhookCoveredEntities`, because
 * which events are sent is the vendor admin's choice (Okta event types, Fusion workflows).
 */
export const WEBHOOK_COVERED_ENTITIES: Record<string, readonly string[]> = {
  okta: ['user', 'device'],
  crowdstrike: ['detection'],
  seraphic: ['detection'],
  zscaler: [],
  kandji: [],
};

/** What the check after one sync found. */
export interface MissedWebhookReport {
  integrationId: string;
  syncId: string;
  /** Entities the sync created, changed or deleted with no webhook event since the previous sync began. */
  missed: number;
  entityTypes: string[];
}

function coveredEntities(integrationType: string, settings: Record<string, unknown>): string[] {
  const custom = settings.webhookCoveredEntities;
  if (Array.isArray(custom) && custom.every((x) => typeof x === 'string')) return custom as string[];
  return [...(WEBHOOK_COVERED_ENTITIES[integrationType] ?? [])];
}

/**
 * Counts the entities a completed sync created, changed or deleted for which no webhook event
 * arrived since the previous completed sync began, and stores the count on the integration
 * (`missed_webhooks` for the latest check, `missed_webhooks_total` over time). Does nothing (null)
 * when webhooks are off, the vendor's webhooks cover no entity, it is the first sync (everything
 * is new then), or this sync was already checked.
 */
export async function countMissedWebhooks(ds: DataSource, syncId: string): Promise<MissedWebhookReport | null> {
  const rows: Array<{ integration_id: string; integration_type: string; settings: Record<string, unknown>; webhook_enabled: boolean; started_at: Date; since: Date | null; already: boolean }> = await ds.query(
    `SELECT s.integration_id, i.integration_type, i.settings, i.webhook_enabled, s.started_at,
       (SELECT max(p.started_at) FROM integration_syncs p
        WHERE p.integration_id = s.integration_id AND p.status = 'completed' AND p.id <> s.id AND p.started_at < s.started_at) AS since,
       (i.missed_webhooks_checked_at IS NOT NULL AND i.missed_webhooks_checked_at >= s.completed_at) AS already
     FROM integration_syncs s JOIN integrations i ON i.id = s.integration_id
     WHERE s.id = $1 AND s.status = 'completed' AND s.started_at IS NOT NULL`,
    [syncId],
  );
  const s = rows[0];
  if (!s || !s.webhook_enabled || !s.since || s.already) return null;
  const entityTypes = coveredEntities(s.integration_type, s.settings ?? {});
  if (entityTypes.length === 0) return null;
  const [found]: Array<{ n: number }> = await ds.query(
    `SELECT count(*)::int AS n FROM integration_mappings m
     WHERE m.integration_id = $1 AND m.external_entity_type = ANY($2::varchar[])
       AND (m.last_synced_at >= $3 OR m.deleted_at >= $3)
       AND NOT EXISTS (SELECT 1 FROM integration_events e
         WHERE e.integration_id = m.integration_id AND e.source_entity_type = m.external_entity_type
           AND e.source_entity_id = m.external_entity_id AND e.received_at >= $4)`,
    [s.integration_id, entityTypes, s.started_at, s.since],
  );
  await ds.query(
    `UPDATE integrations SET missed_webhooks = $2, missed_webhooks_total = missed_webhooks_total + $2, missed_webhooks_checked_at = now() WHERE id = $1`,
    [s.integration_id, found.n],
  );
  return { integrationId: s.integration_id, syncId, missed: found.n, entityTypes };
}
