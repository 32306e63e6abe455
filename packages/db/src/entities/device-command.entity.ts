import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A remote command sent to one device through one vendor, tracked until it completes. */
@Entity({ name: 'device_commands' })
@Index('ix_device_commands_device_created', ['deviceId', 'createdAt'])
export class DeviceCommandEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_device_commands' })
  id!: string;

  @Column({ name: 'integration_id', type: 'varchar', length: 32 })
  integrationId!: string;

  @Column({ name: 'device_id', type: 'varchar', length: 32 })
  deviceId!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 200 })
  externalId!: string;

  @Column({ type: 'varchar', length: 50 })
  command!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  params!: Record<string, unknown>;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 200, nullable: true })
  idempotencyKey!: string | null;

  /** queued → sent/pending → completed | failed. */
  @Column({ type: 'varchar', length: 20, default: 'queued' })
  status!: string;

  @Column({ name: 'vendor_reference', type: 'varchar', length: 300, nullable: true })
  vendorReference!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  result!: Record<string, unknown> | null;

  @Column({ name: 'error_kind', type: 'varchar', length: 30, nullable: true })
  errorKind!: string | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'integer', default: 0 })
  polls!: number;

  @Column({ name: 'requested_by', type: 'varchar', length: 200, nullable: true })
  requestedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  /** Polling gives up (failed, timed out) after this. */
  @Column({ name: 'deadline_at', type: 'timestamptz', nullable: true })
  deadlineAt!: Date | null;
}
