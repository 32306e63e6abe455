import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Schema for issue 8 (security): API keys, audit log. */
export class Security1764900004000 implements MigrationInterface {
  name = 'Security1764900004000';

  async up(_q: QueryRunner): Promise<void> {
    // Filled in by the change that needs it; an empty migration is harmless.
  }

  async down(_q: QueryRunner): Promise<void> {
    // Reverse of up().
  }
}
