import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Schema for issue 7 (scale out): scheduler bookkeeping. */
export class Scale1764900002000 implements MigrationInterface {
  name = 'Scale1764900002000';

  async up(_q: QueryRunner): Promise<void> {
    // Filled in by the change that needs it; an empty migration is harmless.
  }

  async down(_q: QueryRunner): Promise<void> {
    // Reverse of up().
  }
}
