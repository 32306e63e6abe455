import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, JoinColumn, ManyToOne } from 'typeorm';
import { IntegrationEntity } from './integration.entity';

/** Counts for one entity type within a sync. */
export interface EntityCounts {
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  failed: number;
}

/** Where a sync resumes: per stream, the cursor after the last committed page, or done. */
export type SyncCheckpoint = Record<string, { cursor: string | null; done: boolean; pages: number }>;

/** One run of a sync (or push) for an integration. */
@Entity({ name: 'integration_syncs' })
@Index('ix_integration_syncs_integration_created', ['integrationId', 'createdAt'])
// At most one pending or running sync per integration: the database enforces coalescing.
@Index('uq_integration_syncs_one_active', ['integrationId'], { unique: true, where: "status IN ('pending', 'in_progress')" })
export class IntegrationSyncEntity {
  @PrimaryColumn({ type: 'varchar', length: 32, primaryKeyConstraintName: 'pk_integration_syncs' })
  id!: string;

  @Column({ name: 'integration_id', type: 'varchar', length: 32 })
  integrationId!: string;

  @ManyToOne(() => IntegrationEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'integration_id', foreignKeyConstraintName: 'fk_integration_syncs_integration' })
  integration?: IntegrationEntity;

  @Column({ name: 'sync_type', type: 'varchar', length: 20 })
  syncType!: string;

  @Column({ type: 'varchar', length: 10, default: 'pull' })
  direction!: string;

  @Column({ type: 'varchar', length: 20, default: 'pending' })
  status!: string;

  @Column({ name: 'triggered_by', type: 'varchar', length: 200, nullable: true })
  triggeredBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ name: 'items_processed', type: 'integer', default: 0 })
  itemsProcessed!: number;

  @Column({ name: 'items_created', type: 'integer', default: 0 })
  itemsCreated!: number;

  @Column({ name: 'items_updated', type: 'integer', default: 0 })
  itemsUpdated!: number;

  @Column({ name: 'items_unchanged', type: 'integer', default: 0 })
  itemsUnchanged!: number;

  @Column({ name: 'items_deleted', type: 'integer', default: 0 })
  itemsDeleted!: number;

  @Column({ name: 'items_failed', type: 'integer', default: 0 })
  itemsFailed!: number;

  @Column({ name: 'entity_counts', type: 'jsonb', default: () => "'{}'" })
  entityCounts!: Record<string, EntityCounts>;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @Column({ name: 'error_details', type: 'jsonb', nullable: true })
  errorDetails!: Record<string, unknown> | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  checkpoint!: SyncCheckpoint;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;
}
