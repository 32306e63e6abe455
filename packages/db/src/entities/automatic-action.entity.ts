import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** The audit record of one action a response rule took, and of its undo. */
@Entity({ name: 'automatic_actions' })
@Index('uq_automatic_actions_rule_trigger', ['ruleId', 'deviceId', 'triggerRef'], { unique: true })
@Index('ix_automatic_actions_integration_created', ['integrationId', 'createdAt'])
export class AutomaticActionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_automatic_actions' })
  id!: string;

  @Column({ name: 'rule_id', type: 'bigint', nullable: true })
  ruleId!: string | null;

  @Column({ name: 'integration_id', type: 'varchar', length: 32 })
  integrationId!: string;

  @Column({ name: 'device_id', type: 'varchar', length: 32 })
  deviceId!: string;

  /** What fired the rule (a detection id). */
  @Column({ name: 'trigger_ref', type: 'varchar', length: 200 })
  triggerRef!: string;

  @Column({ name: 'trigger_detail', type: 'jsonb', default: () => "'{}'" })
  triggerDetail!: Record<string, unknown>;

  @Column({ name: 'command_id', type: 'bigint', nullable: true })
  commandId!: string | null;

  @Column({ name: 'undo_command_id', type: 'bigint', nullable: true })
  undoCommandId!: string | null;

  /** executed | undone */
  @Column({ type: 'varchar', length: 20, default: 'executed' })
  status!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'undone_at', type: 'timestamptz', nullable: true })
  undoneAt!: Date | null;

  @Column({ name: 'undone_by', type: 'varchar', length: 200, nullable: true })
  undoneBy!: string | null;
}
