export * from './os-version';
export * from './posture-signals';
export * from './compliance.evaluator';
export * from './risk.scorer';
export * from './routing.table';
