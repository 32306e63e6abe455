import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** One physical machine, merged from every vendor that reports it (correlated by serial number). */
@Entity({ name: 'devices' })
@Index('uq_devices_correlation_key', ['correlationKey'], { unique: true })
@Index('ix_devices_serial_number', ['serialNumber'])
@Index('ix_devices_primary_user_email', ['primaryUserEmail'])
export class DeviceEntity {
  @PrimaryColumn({ type: 'varchar', length: 32, primaryKeyConstraintName: 'pk_devices' })
  id!: string;

  @Column({ name: 'correlation_key', type: 'varchar', length: 300 })
  correlationKey!: string;

  @Column({ name: 'serial_number', type: 'varchar', length: 100, nullable: true })
  serialNumber!: string | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  name!: string | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  hostname!: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  platform!: string | null;

  @Column({ name: 'os_name', type: 'varchar', length: 100, nullable: true })
  osName!: string | null;

  @Column({ name: 'os_version', type: 'varchar', length: 100, nullable: true })
  osVersion!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  model!: string | null;

  @Column({ name: 'primary_user_email', type: 'varchar', length: 320, nullable: true })
  primaryUserEmail!: string | null;

  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt!: Date | null;

  @Column({ name: 'enrolled_at', type: 'timestamptz', nullable: true })
  enrolledAt!: Date | null;

  @Column({ type: 'boolean', nullable: true })
  managed!: boolean | null;

  @Column({ name: 'agent_installed', type: 'boolean', nullable: true })
  agentInstalled!: boolean | null;

  @Column({ name: 'filevault_enabled', type: 'boolean', nullable: true })
  filevaultEnabled!: boolean | null;

  @Column({ name: 'sip_enabled', type: 'boolean', nullable: true })
  sipEnabled!: boolean | null;

  @Column({ name: 'firewall_enabled', type: 'boolean', nullable: true })
  firewallEnabled!: boolean | null;

  @Column({ name: 'gatekeeper_enabled', type: 'boolean', nullable: true })
  gatekeeperEnabled!: boolean | null;

  @Column({ name: 'is_compliant', type: 'boolean', nullable: true })
  isCompliant!: boolean | null;

  @Column({ name: 'compliance_score', type: 'integer', nullable: true })
  complianceScore!: number | null;

  @Column({ name: 'risk_score', type: 'integer', nullable: true })
  riskScore!: number | null;

  @Column({ name: 'risk_level', type: 'varchar', length: 20, nullable: true })
  riskLevel!: string | null;

  @Column({ type: 'varchar', length: 20, default: 'active' })
  status!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
