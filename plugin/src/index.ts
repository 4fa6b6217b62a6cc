// @taskdeck/temporal: Taskdeck for your own Temporal workers. See docs/plugin.md.
export { TaskdeckPlugin } from './plugin';
export type { TaskdeckPluginOptions } from './options';
export { registerSearchAttributes } from './register';
export { typeLabel } from './labels';
