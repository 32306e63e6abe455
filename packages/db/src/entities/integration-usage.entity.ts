import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * What one integration did in one hour, summed over every process: vendor requests by outcome
 * (workers flush their counts every few seconds) and webhook deliveries that were duplicates.
 */
@Entity({ name: 'integration_usage_hourly' })
@Index('ix_integration_usage_hourly_hour', ['hourStart'])
export class IntegrationUsageEntity {
  @PrimaryColumn({ name: 'integration_id', type: 'varchar', length: 32, primaryKeyConstraintName: 'pk_integration_usage_hourly' })
  integrationId!: string;

  @PrimaryColumn({ name: 'hour_start', type: 'timestamptz', primaryKeyConstraintName: 'pk_integration_usage_hourly' })
  hourStart!: Date;

  @Column({ name: 'vendor_requests', type: 'integer', default: 0 })
  vendorRequests!: number;

  @Column({ name: 'vendor_rate_limited', type: 'integer', default: 0 })
  vendorRateLimited!: number;

  @Column({ name: 'vendor_client_errors', type: 'integer', default: 0 })
  vendorClientErrors!: number;

  @Column({ name: 'vendor_server_errors', type: 'integer', default: 0 })
  vendorServerErrors!: number;

  /** Sum of latencies; divide by `vendorRequests` for the mean. Bigint comes back as a string. */
  @Column({ name: 'vendor_latency_ms_total', type: 'bigint', default: 0 })
  vendorLatencyMsTotal!: string;

  @Column({ name: 'webhook_duplicates', type: 'integer', default: 0 })
  webhookDuplicates!: number;
}
