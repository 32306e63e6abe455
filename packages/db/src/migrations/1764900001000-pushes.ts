import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Schema for issue 6 (push and response orchestration): pushes, commands, response rules. */
export class Pushes1764900001000 implements MigrationInterface {
  name = 'Pushes1764900001000';

  async up(_q: QueryRunner): Promise<void> {
    // Filled in by the change that needs it; an empty migration is harmless.
  }

  async down(_q: QueryRunner): Promise<void> {
    // Reverse of up().
  }
}
