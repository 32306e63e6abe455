import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The last state of one kind (compliance, risk) decided for a device, and its version. */
@Entity({ name: 'device_push_states' })
export class DevicePushStateEntity {
  @PrimaryColumn({ name: 'device_id', type: 'varchar', length: 32, primaryKeyConstraintName: 'pk_device_push_states' })
  deviceId!: string;

  @PrimaryColumn({ type: 'varchar', length: 20, primaryKeyConstraintName: 'pk_device_push_states' })
  kind!: string;

  /** Goes up by one each time the state changes; part of every push's idempotency key. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'state_hash', type: 'varchar', length: 64 })
  stateHash!: string;

  @Column({ type: 'jsonb' })
  state!: Record<string, unknown>;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
