export * from './statuses';
export * from './searchAttributes';
export * from './taskTypes';
export * from './task';
export * from './messages';
export * from './logs';
export * from './temporalUi';
export * from './datasets';
