export * from './integration.entity';
export * from './integration-sync.entity';
export * from './integration-mapping.entity';
export * from './integration-event.entity';
export * from './device.entity';
export * from './user.entity';
export * from './policy.entity';
export * from './detection.entity';
