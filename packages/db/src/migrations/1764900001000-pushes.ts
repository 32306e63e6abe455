import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Schema for issue 6 (push and response orchestration): pushes, commands, response rules. */
export class Pushes1764900001000 implements MigrationInterface {
  name = 'Pushes1764900001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "device_push_states" ("device_id" character varying(32) NOT NULL, "kind" character varying(20) NOT NULL, "version" integer NOT NULL, "state_hash" character varying(64) NOT NULL, "state" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_device_push_states" PRIMARY KEY ("device_id", "kind"))`);
    await q.query(`CREATE TABLE "pushes" ("id" BIGSERIAL NOT NULL, "integration_id" character varying(32) NOT NULL, "device_id" character varying(32) NOT NULL, "external_id" character varying(200) NOT NULL, "kind" character varying(20) NOT NULL, "state_version" integer NOT NULL, "idempotency_key" character varying(200) NOT NULL, "payload" jsonb NOT NULL, "payload_summary" jsonb, "trigger" character varying(20) NOT NULL, "status" character varying(20) NOT NULL DEFAULT 'queued', "vendor_reference" character varying(300), "attempts" integer NOT NULL DEFAULT '0', "deferrals" integer NOT NULL DEFAULT '0', "error_kind" character varying(30), "error" text, "next_attempt_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_pushes" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_pushes_idempotency_key" ON "pushes"("idempotency_key")`);
    await q.query(`CREATE INDEX "ix_pushes_integration_created" ON "pushes"("integration_id", "created_at")`);
    await q.query(`CREATE INDEX "ix_pushes_device_created" ON "pushes"("device_id", "created_at")`);
    await q.query(`CREATE INDEX "ix_pushes_target_version" ON "pushes"("device_id", "integration_id", "kind", "state_version")`);
    await q.query(`CREATE TABLE "device_commands" ("id" BIGSERIAL NOT NULL, "integration_id" character varying(32) NOT NULL, "device_id" character varying(32) NOT NULL, "external_id" character varying(200) NOT NULL, "command" character varying(50) NOT NULL, "params" jsonb NOT NULL DEFAULT '{}', "idempotency_key" character varying(200), "status" character varying(20) NOT NULL DEFAULT 'queued', "vendor_reference" character varying(300), "result" jsonb, "error_kind" character varying(30), "error" text, "attempts" integer NOT NULL DEFAULT '0', "polls" integer NOT NULL DEFAULT '0', "requested_by" character varying(200), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "sent_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "deadline_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_device_commands" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_device_commands_idempotency_key" ON "device_commands"("idempotency_key") WHERE "idempotency_key" IS NOT NULL`);
    await q.query(`CREATE INDEX "ix_device_commands_device_created" ON "device_commands"("device_id", "created_at")`);
    await q.query(`CREATE TABLE "response_rules" ("id" BIGSERIAL NOT NULL, "integration_id" character varying(32) NOT NULL, "name" character varying(200) NOT NULL, "trigger" character varying(30) NOT NULL DEFAULT 'detection', "min_severity" character varying(20) NOT NULL DEFAULT 'critical', "command" character varying(50) NOT NULL, "params" jsonb NOT NULL DEFAULT '{}', "enabled" boolean NOT NULL DEFAULT false, "created_by" character varying(200), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_response_rules" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "ix_response_rules_integration" ON "response_rules"("integration_id")`);
    await q.query(`CREATE TABLE "automatic_actions" ("id" BIGSERIAL NOT NULL, "rule_id" bigint, "integration_id" character varying(32) NOT NULL, "device_id" character varying(32) NOT NULL, "trigger_ref" character varying(200) NOT NULL, "trigger_detail" jsonb NOT NULL DEFAULT '{}', "command_id" bigint, "undo_command_id" bigint, "status" character varying(20) NOT NULL DEFAULT 'executed', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "undone_at" TIMESTAMP WITH TIME ZONE, "undone_by" character varying(200), CONSTRAINT "pk_automatic_actions" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_automatic_actions_rule_trigger" ON "automatic_actions"("rule_id", "device_id", "trigger_ref")`);
    await q.query(`CREATE INDEX "ix_automatic_actions_integration_created" ON "automatic_actions"("integration_id", "created_at")`);
    await q.query(`ALTER TABLE "device_push_states" ADD CONSTRAINT "fk_device_push_states_device" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "pushes" ADD CONSTRAINT "fk_pushes_integration" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "pushes" ADD CONSTRAINT "fk_pushes_device" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "device_commands" ADD CONSTRAINT "fk_device_commands_integration" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "device_commands" ADD CONSTRAINT "fk_device_commands_device" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "response_rules" ADD CONSTRAINT "fk_response_rules_integration" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "automatic_actions" ADD CONSTRAINT "fk_automatic_actions_rule" FOREIGN KEY ("rule_id") REFERENCES "response_rules"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "automatic_actions" ADD CONSTRAINT "fk_automatic_actions_integration" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "automatic_actions" ADD CONSTRAINT "fk_automatic_actions_command" FOREIGN KEY ("command_id") REFERENCES "device_commands"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "automatic_actions" ADD CONSTRAINT "fk_automatic_actions_undo_command" FOREIGN KEY ("undo_command_id") REFERENCES "device_commands"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS "automatic_actions" CASCADE`);
    await q.query(`DROP TABLE IF EXISTS "response_rules" CASCADE`);
    await q.query(`DROP TABLE IF EXISTS "device_commands" CASCADE`);
    await q.query(`DROP TABLE IF EXISTS "pushes" CASCADE`);
    await q.query(`DROP TABLE IF EXISTS "device_push_states" CASCADE`);
  }
}
