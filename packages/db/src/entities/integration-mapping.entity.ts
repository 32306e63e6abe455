import { Column, Entity, Index, PrimaryGeneratedColumn, JoinColumn, ManyToOne } from 'typeorm';
import { IntegrationEntity } from './integration.entity';

/** Links one platform entity to its id in one vendor tenant; holds that vendor's view of it. */
@Entity({ name: 'integration_mappings' })
@Index('uq_integration_mappings_external', ['integrationId', 'externalEntityType', 'externalEntityId'], { unique: true })
@Index('ix_integration_mappings_platform', ['platformEntityType', 'platformEntityId'])
export class IntegrationMappingEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_integration_mappings' })
  id!: string;

  @Column({ name: 'integration_id', type: 'varchar', length: 32 })
  integrationId!: string;

  @ManyToOne(() => IntegrationEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'integration_id', foreignKeyConstraintName: 'fk_integration_mappings_integration' })
  integration?: IntegrationEntity;

  @Column({ name: 'platform_entity_type', type: 'varchar', length: 20 })
  platformEntityType!: string;

  @Column({ name: 'platform_entity_id', type: 'varchar', length: 32 })
  platformEntityId!: string;

  @Column({ name: 'external_entity_type', type: 'varchar', length: 20 })
  externalEntityType!: string;

  @Column({ name: 'external_entity_id', type: 'varchar', length: 200 })
  externalEntityId!: string;

  @Column({ name: 'external_entity_name', type: 'varchar', length: 500, nullable: true })
  externalEntityName!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** Hash of `attributes`: an unchanged record is recognised without rewriting its rows. */
  @Column({ name: 'content_hash', type: 'varchar', length: 64 })
  contentHash!: string;

  /** The vendor's normalised record for this entity (the per-source detail). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  attributes!: Record<string, unknown>;

  @Column({ name: 'first_seen_at', type: 'timestamptz', default: () => 'now()' })
  firstSeenAt!: Date;

  /** When this vendor's view last changed (an unchanged record is not rewritten). */
  @Column({ name: 'last_synced_at', type: 'timestamptz', default: () => 'now()' })
  lastSyncedAt!: Date;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
