import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Schema for issue 5 (webhook ingestion): rejected deliveries, event processing columns, missed-webhook counts. */
export class Webhooks1764900000000 implements MigrationInterface {
  name = 'Webhooks1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "integration_events" ADD "status" character varying(20) NOT NULL DEFAULT 'pending'`);
    await q.query(`ALTER TABLE "integration_events" ADD "attempts" integer NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "integration_events" ADD "enqueued_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "integration_events" ADD CONSTRAINT "ck_integration_events_status" CHECK ("status" IN ('pending', 'processed', 'failed'))`);
    // The outbox sweeper reads only this small slice: accepted events whose job may never have reached Redis.
    await q.query(`CREATE INDEX "ix_integration_events_outbox" ON "integration_events"("received_at") WHERE "status" = 'pending'`);
    await q.query(`CREATE INDEX "ix_integration_events_status" ON "integration_events"("integration_id", "status", "received_at")`);
    await q.query(`CREATE INDEX "ix_integration_events_source_entity" ON "integration_events"("integration_id", "source_entity_type", "source_entity_id", "received_at")`);
    await q.query(`CREATE TABLE "webhook_rejections" ("id" BIGSERIAL NOT NULL, "integration_id" character varying(32) NOT NULL, "source_ip" character varying(64), "reason" character varying(300) NOT NULL, "body_sha256" character varying(64) NOT NULL, "body_bytes" integer NOT NULL, "header_names" jsonb NOT NULL DEFAULT '[]', "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_webhook_rejections" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "ix_webhook_rejections_integration_received" ON "webhook_rejections"("integration_id", "received_at")`);
    await q.query(`ALTER TABLE "webhook_rejections" ADD CONSTRAINT "fk_webhook_rejections_integration" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "integrations" ADD "missed_webhooks" integer NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "integrations" ADD "missed_webhooks_total" integer NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "integrations" ADD "missed_webhooks_checked_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "integrations" DROP COLUMN IF EXISTS "missed_webhooks_checked_at"`);
    await q.query(`ALTER TABLE "integrations" DROP COLUMN IF EXISTS "missed_webhooks_total"`);
    await q.query(`ALTER TABLE "integrations" DROP COLUMN IF EXISTS "missed_webhooks"`);
    await q.query(`DROP TABLE IF EXISTS "webhook_rejections" CASCADE`);
    await q.query(`DROP INDEX IF EXISTS "ix_integration_events_source_entity"`);
    await q.query(`DROP INDEX IF EXISTS "ix_integration_events_status"`);
    await q.query(`DROP INDEX IF EXISTS "ix_integration_events_outbox"`);
    await q.query(`ALTER TABLE "integration_events" DROP CONSTRAINT IF EXISTS "ck_integration_events_status"`);
    await q.query(`ALTER TABLE "integration_events" DROP COLUMN IF EXISTS "enqueued_at"`);
    await q.query(`ALTER TABLE "integration_events" DROP COLUMN IF EXISTS "attempts"`);
    await q.query(`ALTER TABLE "integration_events" DROP COLUMN IF EXISTS "status"`);
  }
}
