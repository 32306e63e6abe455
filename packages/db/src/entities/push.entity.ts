import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** One state sent (or to be sent) to one vendor for one device: the record of a push. */
@Entity({ name: 'pushes' })
@Index('uq_pushes_idempotency_key', ['idempotencyKey'], { unique: true })
@Index('ix_pushes_integration_created', ['integrationId', 'createdAt'])
@Index('ix_pushes_device_created', ['deviceId', 'createdAt'])
@Index('ix_pushes_target_version', ['deviceId', 'integrationId', 'kind', 'stateVersion'])
export class PushEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_pushes' })
  id!: string;

  @Column({ name: 'integration_id', type: 'varchar', length: 32 })
  integrationId!: string;

  @Column({ name: 'device_id', type: 'varchar', length: 32 })
  deviceId!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 200 })
  externalId!: string;

  @Column({ type: 'varchar', length: 20 })
  kind!: string;

  @Column({ name: 'state_version', type: 'integer' })
  stateVersion!: number;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 200 })
  idempotencyKey!: string;

  /** The state to send (small: a verdict, a score, reason codes). */
  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  /** What the vendor side changed, as the connector reported it. */
  @Column({ name: 'payload_summary', type: 'jsonb', nullable: true })
  payloadSummary!: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 20 })
  trigger!: string;

  @Column({ type: 'varchar', length: 20, default: 'queued' })
  status!: string;

  @Column({ name: 'vendor_reference', type: 'varchar', length: 300, nullable: true })
  vendorReference!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** Times a 429 postponed the push; these burn no attempt. */
  @Column({ type: 'integer', default: 0 })
  deferrals!: number;

  @Column({ name: 'error_kind', type: 'varchar', length: 30, nullable: true })
  errorKind!: string | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
