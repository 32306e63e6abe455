import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Makes the seen-ids scratch table of full syncs cheap to fill: unlogged (no WAL), with no key
 * or foreign key to maintain per row. Its rows matter only while a sync runs; if Postgres itself
 * crashes, an unlogged table is emptied, and a sync then finds fewer seen rows than it counted
 * and skips deletion instead of deleting what it saw (see SyncStore.markUnseenDeleted).
 */
export class SeenItems1764900003000 implements MigrationInterface {
  name = 'SeenItems1764900003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "sync_seen_items" DROP CONSTRAINT "fk_sync_seen_items_sync"`);
    await q.query(`ALTER TABLE "sync_seen_items" DROP CONSTRAINT "pk_sync_seen_items"`);
    await q.query(`ALTER TABLE "sync_seen_items" SET UNLOGGED`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "sync_seen_items"`);
    await q.query(`ALTER TABLE "sync_seen_items" SET LOGGED`);
    await q.query(`ALTER TABLE "sync_seen_items" ADD CONSTRAINT "pk_sync_seen_items" PRIMARY KEY ("sync_id", "external_entity_type", "external_entity_id")`);
    await q.query(`ALTER TABLE "sync_seen_items" ADD CONSTRAINT "fk_sync_seen_items_sync" FOREIGN KEY ("sync_id") REFERENCES "integration_syncs"("id") ON DELETE CASCADE`);
  }
}
