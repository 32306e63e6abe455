import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn, JoinColumn, ManyToOne } from 'typeorm';
import { DeviceEntity } from './device.entity';

/** A threat detection or alert, linked to the platform device it concerns when known. */
@Entity({ name: 'detections' })
@Index('uq_detections_correlation_key', ['correlationKey'], { unique: true })
@Index('ix_detections_device', ['deviceId'])
export class DetectionEntity {
  @PrimaryColumn({ type: 'varchar', length: 32, primaryKeyConstraintName: 'pk_detections' })
  id!: string;

  @Column({ name: 'correlation_key', type: 'varchar', length: 300 })
  correlationKey!: string;

  @Column({ name: 'device_id', type: 'varchar', length: 32, nullable: true })
  deviceId!: string | null;

  @ManyToOne(() => DeviceEntity, { onDelete: 'SET NULL', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'device_id', foreignKeyConstraintName: 'fk_detections_device' })
  device?: DeviceEntity;

  @Column({ type: 'varchar', length: 500, nullable: true })
  title!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  severity!: string | null;

  @Column({ name: 'detection_status', type: 'varchar', length: 50, nullable: true })
  detectionStatus!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  classification!: string | null;

  @Column({ name: 'detected_at', type: 'timestamptz', nullable: true })
  detectedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 20, default: 'active' })
  status!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
