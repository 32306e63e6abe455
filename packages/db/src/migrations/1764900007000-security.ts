import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Schema for issue 8 (security): hashed API keys with roles, and the append-only audit log. */
export class Security1764900007000 implements MigrationInterface {
  name = 'Security1764900007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "api_keys" (
      "id" character varying(20) NOT NULL,
      "name" character varying(100) NOT NULL,
      "role" character varying(16) NOT NULL,
      "key_hash" character(64) NOT NULL,
      "key_hint" character varying(8) NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "created_by" character varying(120) NOT NULL,
      "last_used_at" TIMESTAMP WITH TIME ZONE,
      "expires_at" TIMESTAMP WITH TIME ZONE,
      "revoked_at" TIMESTAMP WITH TIME ZONE,
      "revoked_by" character varying(120),
      CONSTRAINT "pk_api_keys" PRIMARY KEY ("id"),
      CONSTRAINT "uq_api_keys_key_hash" UNIQUE ("key_hash"),
      CONSTRAINT "ck_api_keys_role" CHECK ("role" IN ('viewer', 'operator', 'admin')))`);
    await q.query(`CREATE TABLE "audit_log" (
      "id" bigserial NOT NULL,
      "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "actor_key_id" character varying(20),
      "actor_name" character varying(120),
      "actor_role" character varying(16),
      "action" character varying(80) NOT NULL,
      "method" character varying(8) NOT NULL,
      "path" character varying(300) NOT NULL,
      "target_type" character varying(40),
      "target_id" character varying(120),
      "outcome" character varying(16) NOT NULL,
      "status_code" integer NOT NULL,
      "request_id" character varying(100),
      "details" jsonb NOT NULL DEFAULT '{}',
      CONSTRAINT "pk_audit_log" PRIMARY KEY ("id"),
      CONSTRAINT "ck_audit_log_outcome" CHECK ("outcome" IN ('success', 'denied', 'failed')))`);
    await q.query(`CREATE INDEX "ix_audit_log_at" ON "audit_log" ("at" DESC, "id" DESC)`);
    await q.query(`CREATE INDEX "ix_audit_log_target" ON "audit_log" ("target_id", "at" DESC)`);
    await q.query(`CREATE INDEX "ix_audit_log_actor" ON "audit_log" ("actor_key_id", "at" DESC)`);
    // Append-only in the database itself, so no code path (and no bug) can rewrite history.
    await q.query(`CREATE FUNCTION "audit_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege'; END $$`);
    await q.query(`CREATE TRIGGER "tr_audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION "audit_log_append_only"()`);
    await q.query(`CREATE TRIGGER "tr_audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log" FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_append_only"()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS "audit_log"`);
    await q.query(`DROP FUNCTION IF EXISTS "audit_log_append_only"()`);
    await q.query(`DROP TABLE IF EXISTS "api_keys"`);
  }
}
