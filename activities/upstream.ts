import { WorkflowNotFoundError } from '@temporalio/client';
import { SA, taskStatusOf, type TaskMemo, type UpstreamTask } from '../core';
import type { ActivityDeps } from './deps';

/** Activities of tasks that wait for others; workflows cannot describe other workflows themselves. */
export function createUpstreamActivities(deps: ActivityDeps) {
  return {
    /**
     * The current status of each upstream task, from DescribeWorkflowExecution (fresh, unlike a
     * visibility list). Upstream tasks tell their dependants when they end; this is the start
     * and the safety net, for tasks that ended before being asked or were terminated.
     */
    async inspectUpstream(ids: string[]): Promise<UpstreamTask[]> {
      return Promise.all(
        ids.map(async (id): Promise<UpstreamTask> => {
          try {
            const description = await deps.client.workflow.getHandle(id).describe();
            const memo = (description.memo ?? {}) as TaskMemo;
            const type = description.typedSearchAttributes.get(SA.type) ?? description.type;
            return {
              id,
              status: taskStatusOf(description.status.name, description.typedSearchAttributes.get(SA.status)),
              label: memo.name ?? `${type} ${id.slice(0, 8)}`,
            };
          } catch (err) {
            if (err instanceof WorkflowNotFoundError) return { id, status: 'missing', label: id };
            throw err;
          }
        }),
      );
    },
  };
}
