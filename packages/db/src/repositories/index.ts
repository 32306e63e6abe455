export * from './sync-requests.repository';
