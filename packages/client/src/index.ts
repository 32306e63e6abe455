export * from './api-types';
export * from './sync-manager.client';
