import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Room for the connectors' longer auth modes (`oauth_client_credentials`, `oauth_private_key_jwt`). */
export class AuthTypeLength1764900006000 implements MigrationInterface {
  name = 'AuthTypeLength1764900006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "integrations" ALTER COLUMN "auth_type" TYPE character varying(40)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "integrations" ALTER COLUMN "auth_type" TYPE character varying(20)`);
  }
}
