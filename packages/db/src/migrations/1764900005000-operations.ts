import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Schema for issue 9 (operations): health, auto-disable and freshness bookkeeping, hourly usage counts (vendor requests, webhook duplicates). */
export class Operations1764900005000 implements MigrationInterface {
  name = 'Operations1764900005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "integrations" ADD "consecutive_failures" integer NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "integrations" ADD "auto_disable_after_failures" integer`);
    await q.query(`ALTER TABLE "integrations" ADD "scheduling_disabled_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "integrations" ADD "scheduling_disabled_reason" text`);
    await q.query(`ALTER TABLE "integrations" ADD "freshness_target_minutes" integer`);
    await q.query(`ALTER TABLE "integrations" ADD "last_success_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "integrations" ADD "health_changed_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "integrations" ADD CONSTRAINT "ck_integrations_auto_disable_after_failures" CHECK ("auto_disable_after_failures" IS NULL OR "auto_disable_after_failures" >= 0)`);
    await q.query(`ALTER TABLE "integrations" ADD CONSTRAINT "ck_integrations_freshness_target_minutes" CHECK ("freshness_target_minutes" IS NULL OR "freshness_target_minutes" > 0)`);
    await q.query(`UPDATE "integrations" i SET "last_success_at" = (SELECT max(s."completed_at") FROM "integration_syncs" s WHERE s."integration_id" = i."id" AND s."status" = 'completed')`);
    await q.query(`CREATE TABLE "integration_usage_hourly" ("integration_id" character varying(32) NOT NULL, "hour_start" TIMESTAMP WITH TIME ZONE NOT NULL, "vendor_requests" integer NOT NULL DEFAULT '0', "vendor_rate_limited" integer NOT NULL DEFAULT '0', "vendor_client_errors" integer NOT NULL DEFAULT '0', "vendor_server_errors" integer NOT NULL DEFAULT '0', "vendor_latency_ms_total" bigint NOT NULL DEFAULT '0', "webhook_duplicates" integer NOT NULL DEFAULT '0', CONSTRAINT "pk_integration_usage_hourly" PRIMARY KEY ("integration_id", "hour_start"))`);
    await q.query(`CREATE INDEX "ix_integration_usage_hourly_hour" ON "integration_usage_hourly"("hour_start")`);
    await q.query(`ALTER TABLE "integration_usage_hourly" ADD CONSTRAINT "fk_integration_usage_hourly_integration" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS "integration_usage_hourly" CASCADE`);
    await q.query(`ALTER TABLE "integrations" DROP CONSTRAINT IF EXISTS "ck_integrations_freshness_target_minutes"`);
    await q.query(`ALTER TABLE "integrations" DROP CONSTRAINT IF EXISTS "ck_integrations_auto_disable_after_failures"`);
    for (const column of ['health_changed_at', 'last_success_at', 'freshness_target_minutes', 'scheduling_disabled_reason', 'scheduling_disabled_at', 'auto_disable_after_failures', 'consecutive_failures']) {
      await q.query(`ALTER TABLE "integrations" DROP COLUMN IF EXISTS "${column}"`);
    }
  }
}
