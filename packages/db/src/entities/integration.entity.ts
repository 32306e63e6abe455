import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A configured connection to one vendor tenant. Secrets live only in the sealed columns. */
@Entity({ name: 'integrations' })
@Index('uq_integrations_name', ['name'], { unique: true })
export class IntegrationEntity {
  @PrimaryColumn({ type: 'varchar', length: 32, primaryKeyConstraintName: 'pk_integrations' })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'integration_type', type: 'varchar', length: 20 })
  integrationType!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  endpoint!: string | null;

  @Column({ name: 'api_version', type: 'varchar', length: 20, nullable: true })
  apiVersion!: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  region!: string | null;

  @Column({ name: 'auth_type', type: 'varchar', length: 40 })
  authType!: string;

  /** AES-256-GCM sealed JSON of the credentials object (see SecretBox). */
  @Column({ name: 'credentials_sealed', type: 'text', nullable: true })
  credentialsSealed!: string | null;

  /** Masked hints per credential field, safe to return (`{"api_key":"…k3Xz"}`). */
  @Column({ name: 'credential_hints', type: 'jsonb', default: () => "'{}'" })
  credentialHints!: Record<string, string>;

  @Column({ name: 'token_expires_at', type: 'timestamptz', nullable: true })
  tokenExpiresAt!: Date | null;

  @Column({ name: 'sync_enabled', type: 'boolean', default: true })
  syncEnabled!: boolean;

  @Column({ name: 'sync_interval_minutes', type: 'integer', default: 60 })
  syncIntervalMinutes!: number;

  @Column({ name: 'webhook_enabled', type: 'boolean', default: false })
  webhookEnabled!: boolean;

  @Column({ name: 'webhook_secret_sealed', type: 'text', nullable: true })
  webhookSecretSealed!: string | null;

  @Column({ name: 'webhook_secret_hint', type: 'varchar', length: 16, nullable: true })
  webhookSecretHint!: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  features!: string[];

  @Column({ name: 'sync_devices', type: 'boolean', default: true })
  syncDevices!: boolean;

  @Column({ name: 'sync_users', type: 'boolean', default: true })
  syncUsers!: boolean;

  @Column({ name: 'sync_policies', type: 'boolean', default: true })
  syncPolicies!: boolean;

  @Column({ name: 'sync_events', type: 'boolean', default: true })
  syncEvents!: boolean;

  @Column({ name: 'push_compliance', type: 'boolean', default: false })
  pushCompliance!: boolean;

  @Column({ name: 'push_risk_scores', type: 'boolean', default: false })
  pushRiskScores!: boolean;

  @Column({ name: 'push_policies', type: 'boolean', default: false })
  pushPolicies!: boolean;

  @Column({ name: 'rate_limit_requests', type: 'integer', nullable: true })
  rateLimitRequests!: number | null;

  @Column({ name: 'rate_limit_period_seconds', type: 'integer', nullable: true })
  rateLimitPeriodSeconds!: number | null;

  /** Per-vendor settings, validated by the vendor's settings class (Kandji region, Zscaler cloud, …). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  settings!: Record<string, unknown>;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'health_status', type: 'varchar', length: 20, default: 'unknown' })
  healthStatus!: string;

  @Column({ name: 'health_reason', type: 'text', nullable: true })
  healthReason!: string | null;

  @Column({ name: 'last_health_check', type: 'timestamptz', nullable: true })
  lastHealthCheck!: Date | null;

  @Column({ name: 'total_syncs', type: 'integer', default: 0 })
  totalSyncs!: number;

  @Column({ name: 'successful_syncs', type: 'integer', default: 0 })
  successfulSyncs!: number;

  @Column({ name: 'failed_syncs', type: 'integer', default: 0 })
  failedSyncs!: number;

  @Column({ name: 'last_sync_at', type: 'timestamptz', nullable: true })
  lastSyncAt!: Date | null;

  @Column({ name: 'last_sync_status', type: 'varchar', length: 20, nullable: true })
  lastSyncStatus!: string | null;

  /** Failed or partial syncs since the last completed one. */
  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures!: number;

  /** Failed syncs in a row that switch scheduling off; null = the deployment default (20), 0 = never. */
  @Column({ name: 'auto_disable_after_failures', type: 'integer', nullable: true })
  autoDisableAfterFailures!: number | null;

  /** Set when scheduling was switched off automatically; a successful connection test clears it. */
  @Column({ name: 'scheduling_disabled_at', type: 'timestamptz', nullable: true })
  schedulingDisabledAt!: Date | null;

  @Column({ name: 'scheduling_disabled_reason', type: 'text', nullable: true })
  schedulingDisabledReason!: string | null;

  /** How old the data may get before freshness is breached; null = twice the sync interval. */
  @Column({ name: 'freshness_target_minutes', type: 'integer', nullable: true })
  freshnessTargetMinutes!: number | null;

  /** When the last completed sync finished. */
  @Column({ name: 'last_success_at', type: 'timestamptz', nullable: true })
  lastSuccessAt!: Date | null;

  /** When `health_status` last changed value: the "since" of a health reason. */
  @Column({ name: 'health_changed_at', type: 'timestamptz', nullable: true })
  healthChangedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'created_by', type: 'varchar', length: 200, nullable: true })
  createdBy!: string | null;

  @Column({ name: 'updated_by', type: 'varchar', length: 200, nullable: true })
  updatedBy!: string | null;
}
