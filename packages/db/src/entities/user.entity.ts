import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** One person, merged across vendors by lower-cased email. */
@Entity({ name: 'users' })
@Index('uq_users_correlation_key', ['correlationKey'], { unique: true })
@Index('ix_users_email', ['email'])
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 32, primaryKeyConstraintName: 'pk_users' })
  id!: string;

  @Column({ name: 'correlation_key', type: 'varchar', length: 400 })
  correlationKey!: string;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  name!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  department!: string | null;

  @Column({ name: 'job_title', type: 'varchar', length: 200, nullable: true })
  jobTitle!: string | null;

  @Column({ type: 'boolean', nullable: true })
  active!: boolean | null;

  @Column({ type: 'varchar', length: 20, default: 'active' })
  status!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
