export * from './queues';
export * from './payload';
export * from './sync.contract';
export * from './redis-token-cache';
