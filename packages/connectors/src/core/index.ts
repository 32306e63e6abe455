export * from './errors';
export * from './retry-after';
export * from './rate-gate';
export * from './http-client';
export * from './connector';
export * from './memory-token-cache';
export * from './webhook';
export * from './registry';
