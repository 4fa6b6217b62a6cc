import { createCommandActivities } from './command';
import type { ActivityDeps } from './deps';

export type { ActivityDeps } from './deps';

/** Every activity of every task type, built from the worker's dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCommandActivities(deps),
  };
}

export type TaskActivities = ReturnType<typeof createActivities>;
