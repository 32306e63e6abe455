import { Column, Entity, Index, PrimaryColumn, JoinColumn, ManyToOne } from 'typeorm';
import { IntegrationEntity } from './integration.entity';

/** A vendor event, delivered by webhook or found by polling; stored before it is applied. */
@Entity({ name: 'integration_events' })
@Index('uq_integration_events_external', ['integrationId', 'externalEventId'], { unique: true })
@Index('ix_integration_events_received', ['integrationId', 'receivedAt'])
export class IntegrationEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 32, primaryKeyConstraintName: 'pk_integration_events' })
  id!: string;

  @Column({ name: 'integration_id', type: 'varchar', length: 32 })
  integrationId!: string;

  @ManyToOne(() => IntegrationEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'integration_id', foreignKeyConstraintName: 'fk_integration_events_integration' })
  integration?: IntegrationEntity;

  /** The vendor's event id, or `sha256:<payload hash>` where the vendor sends none. */
  @Column({ name: 'external_event_id', type: 'varchar', length: 200 })
  externalEventId!: string;

  @Column({ name: 'event_type', type: 'varchar', length: 100 })
  eventType!: string;

  @Column({ type: 'varchar', length: 50, nullable: true })
  category!: string | null;

  @Column({ name: 'source_entity_type', type: 'varchar', length: 20, nullable: true })
  sourceEntityType!: string | null;

  @Column({ name: 'source_entity_id', type: 'varchar', length: 200, nullable: true })
  sourceEntityId!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  severity!: string | null;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ name: 'payload_hash', type: 'varchar', length: 64 })
  payloadHash!: string;

  @Column({ name: 'event_time', type: 'timestamptz', nullable: true })
  eventTime!: Date | null;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;

  @Column({ name: 'delivery_method', type: 'varchar', length: 20 })
  deliveryMethod!: string;

  @Column({ type: 'boolean', default: false })
  processed!: boolean;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt!: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  result!: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;
}
