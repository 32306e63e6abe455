import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { IntegrationEntity } from './integration.entity';

/** A webhook delivery refused for its signature or timestamp; kept apart from events, with no body. */
@Entity({ name: 'webhook_rejections' })
@Index('ix_webhook_rejections_integration_received', ['integrationId', 'receivedAt'])
export class WebhookRejectionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_webhook_rejections' })
  id!: string;

  @Column({ name: 'integration_id', type: 'varchar', length: 32 })
  integrationId!: string;

  @ManyToOne(() => IntegrationEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'integration_id', foreignKeyConstraintName: 'fk_webhook_rejections_integration' })
  integration?: IntegrationEntity;

  @Column({ name: 'source_ip', type: 'varchar', length: 64, nullable: true })
  sourceIp!: string | null;

  @Column({ type: 'varchar', length: 300 })
  reason!: string;

  /** Identifies a replayed body without storing an unauthenticated payload. */
  @Column({ name: 'body_sha256', type: 'varchar', length: 64 })
  bodySha256!: string;

  @Column({ name: 'body_bytes', type: 'integer' })
  bodyBytes!: number;

  /** Header names only: values may hold the secret being guessed. */
  @Column({ name: 'header_names', type: 'jsonb', default: () => "'[]'" })
  headerNames!: string[];

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;
}
