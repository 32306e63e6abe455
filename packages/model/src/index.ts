export * from './records';
export * from './correlation';
