import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** An automatic response of one integration (off by default), e.g. contain a host on a critical detection. */
@Entity({ name: 'response_rules' })
@Index('ix_response_rules_integration', ['integrationId'])
export class ResponseRuleEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_response_rules' })
  id!: string;

  @Column({ name: 'integration_id', type: 'varchar', length: 32 })
  integrationId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 30, default: 'detection' })
  trigger!: string;

  @Column({ name: 'min_severity', type: 'varchar', length: 20, default: 'critical' })
  minSeverity!: string;

  @Column({ type: 'varchar', length: 50 })
  command!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  params!: Record<string, unknown>;

  @Column({ type: 'boolean', default: false })
  enabled!: boolean;

  @Column({ name: 'created_by', type: 'varchar', length: 200, nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
