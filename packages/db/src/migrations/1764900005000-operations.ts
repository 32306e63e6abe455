import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Schema for issue 9 (operations): health and freshness bookkeeping. */
export class Operations1764900005000 implements MigrationInterface {
  name = 'Operations1764900005000';

  async up(_q: QueryRunner): Promise<void> {
    // Filled in by the change that needs it; an empty migration is harmless.
  }

  async down(_q: QueryRunner): Promise<void> {
    // Reverse of up().
  }
}
