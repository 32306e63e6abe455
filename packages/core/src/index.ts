export * from './errors';
export * from './env-reader';
export * from './base-config';
export * from './secret-box';
export * from './logger';
export * from './ids';
export * from './shutdown';
export * from './health-server';
