export * from './sync-requests.repository';
export * from './sync-store.repository';
export * from './sync-runs.repository';
export * from './integration.repository';
export * from './read-models.repository';
