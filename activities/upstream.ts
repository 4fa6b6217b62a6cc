import { inspectUpstream } from '../plugin/src/activities';
import type { ActivityDeps } from './deps';

/** Activities of tasks that wait for others; workflows cannot describe other workflows themselves. */
export function createUpstreamActivities(deps: ActivityDeps) {
  return {
    inspectUpstream: (ids: string[]) => inspectUpstream(deps.client, ids),
  };
}
