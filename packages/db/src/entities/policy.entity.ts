import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A vendor policy (Kandji blueprint, Falcon prevention policy, Okta policy, …). */
@Entity({ name: 'policies' })
@Index('uq_policies_correlation_key', ['correlationKey'], { unique: true })
export class PolicyEntity {
  @PrimaryColumn({ type: 'varchar', length: 32, primaryKeyConstraintName: 'pk_policies' })
  id!: string;

  @Column({ name: 'correlation_key', type: 'varchar', length: 300 })
  correlationKey!: string;

  @Column({ type: 'varchar', length: 300, nullable: true })
  name!: string | null;

  @Column({ name: 'policy_type', type: 'varchar', length: 100, nullable: true })
  policyType!: string | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'boolean', nullable: true })
  enabled!: boolean | null;

  @Column({ name: 'device_count', type: 'integer', nullable: true })
  deviceCount!: number | null;

  @Column({ type: 'varchar', length: 20, default: 'active' })
  status!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
