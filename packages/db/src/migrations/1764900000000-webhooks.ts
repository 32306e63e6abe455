import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Schema for issue 5 (webhook ingestion): rejected deliveries, event processing columns. */
export class Webhooks1764900000000 implements MigrationInterface {
  name = 'Webhooks1764900000000';

  async up(_q: QueryRunner): Promise<void> {
    // Filled in by the change that needs it; an empty migration is harmless.
  }

  async down(_q: QueryRunner): Promise<void> {
    // Reverse of up().
  }
}
