// The HTTP contract. Not part of core/index.ts: workflows never need it, and the web app imports
// only what it uses (endpoints.ts at runtime, the rest as types).
export * from './common';
export * from './listing';
export * from './endpoints';
export * from './tasks';
export * from './batches';
export * from './pipelines';
export * from './schedules';
export * from './logs';
export * from './graph';
export * from './datasets';
export * from './nodes';
export * from './meta';
export * from './codec';
export * from './routes';
export * from './openapi';
