export * from './metric-names';
export * from './metrics.registry';
export * from './worker-metrics';
export * from './metrics.handler';
export * from './vendor-usage.buffer';
export * from './exposition.parser';
