import { Column, Entity, PrimaryColumn, JoinColumn, ManyToOne } from 'typeorm';
import { IntegrationSyncEntity } from './integration-sync.entity';

/**
 * External ids a running full sync has seen, committed with each page so a resumed sync still
 * knows them; after a successful full sync, mappings not seen are marked deleted.
 */
@Entity({ name: 'sync_seen_items' })
export class SyncSeenItemEntity {
  @PrimaryColumn({ name: 'sync_id', type: 'varchar', length: 32, primaryKeyConstraintName: 'pk_sync_seen_items' })
  syncId!: string;

  @ManyToOne(() => IntegrationSyncEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'sync_id', foreignKeyConstraintName: 'fk_sync_seen_items_sync' })
  sync?: IntegrationSyncEntity;

  @PrimaryColumn({ name: 'external_entity_type', type: 'varchar', length: 20, primaryKeyConstraintName: 'pk_sync_seen_items' })
  externalEntityType!: string;

  @PrimaryColumn({ name: 'external_entity_id', type: 'varchar', length: 200, primaryKeyConstraintName: 'pk_sync_seen_items' })
  externalEntityId!: string;

  @Column({ name: 'integration_id', type: 'varchar', length: 32 })
  integrationId!: string;
}
