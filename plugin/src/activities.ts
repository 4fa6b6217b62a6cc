import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { UpstreamTask } from './messages';
import { SA } from './searchAttributes';
import { taskStatusOf } from './statuses';
import type { TaskMemo } from './types';

/**
 * The current status of each upstream task, from DescribeWorkflowExecution (fresh, unlike a
 * visibility list). Upstream tasks tell their dependants when they end; this is the start and the
 * safety net, for tasks that ended before being asked or were terminated.
 */
export async function inspectUpstream(client: Client, ids: string[]): Promise<UpstreamTask[]> {
  return Promise.all(
    ids.map(async (id): Promise<UpstreamTask> => {
      try {
        const description = await client.workflow.getHandle(id).describe();
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
}

/** The activities the plugin registers on a worker, under names its users will not take. */
export function pluginActivities() {
  return {
    taskdeckInspectUpstream: (ids: string[]) => inspectUpstream(Context.current().client, ids),
  };
}
