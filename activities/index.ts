import { createCommandActivities } from './command';
import { createDatasetActivities } from './datasets';
import type { ActivityDeps } from './deps';
import { createLeaseActivities } from './leases';
import { createModelActivities } from './models';
import { createUpstreamActivities } from './upstream';

export type { ActivityDeps } from './deps';
export { PauseWatch } from './pauseWatch';

/** Every activity of every task type, built from the worker's dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCommandActivities(deps),
    ...createDatasetActivities(deps),
    ...createModelActivities(deps),
    ...createLeaseActivities(deps),
    ...createUpstreamActivities(deps),
  };
}

export type TaskActivities = ReturnType<typeof createActivities>;
