// The written protocol of docs/plugin-protocol.md, as code: what every tracked workflow records,
// in any language. The Python package (plugin/python) follows the same document.
export * from './statuses';
export * from './searchAttributes';
export * from './messages';
export * from './types';
export * from './labels';
export type { TaskdeckPluginOptions } from './options';
