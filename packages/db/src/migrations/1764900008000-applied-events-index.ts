import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The "was a newer event about this entity already applied?" probe of every webhook apply, as an
 * index of processed events only (`processed` is true exactly when the status is `processed`). The
 * probe tests `processed` rather than the status, so the planner cannot take the (integration,
 * status) index instead: with statistics taken while most events were pending, that index looks
 * as selective and walks every processed event of the integration for each probe.
 *
 * Migrations run in one transaction, so this is a plain CREATE INDEX, which holds off inserts
 * into integration_events (webhook ingress) while it builds. On a large table, build it first
 * with CREATE INDEX CONCURRENTLY under the same name; this migration then finds it and does nothing.
 */
export class AppliedEventsIndex1764900008000 implements MigrationInterface {
  name = 'AppliedEventsIndex1764900008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS "ix_integration_events_applied" ON "integration_events"("integration_id", "source_entity_type", "source_entity_id") WHERE "processed"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS "ix_integration_events_applied"`);
  }
}
