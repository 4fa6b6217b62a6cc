// The workflow bundle's entry: every task type's workflow, exported under its type id.
export { command } from './command';
