import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';

/** Task activities always run for a task workflow; the workflow ID is the task ID. */
export function taskExecution(): { workflowId: string; runId: string } {
  const execution = Context.current().info.workflowExecution;
  if (!execution) throw ApplicationFailure.create({ message: 'Task activities must be started by a task workflow', nonRetryable: true });
  return execution;
}
