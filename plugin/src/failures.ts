import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/common';
import type { TaskStatus } from './statuses';
import type { TaskFailure } from './types';

/**
 * The message a user can act on, from whatever a workflow threw: activity and child-workflow
 * failures are unwrapped to their cause, and an exit code in an ApplicationFailure's first
 * detail is kept.
 */
export function describeFailure(err: unknown, step: TaskStatus): TaskFailure {
  let cause: unknown = err;
  while ((cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) && cause.cause) cause = cause.cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  const failure: TaskFailure = { message: message || 'Task failed', step };
  if (cause instanceof ApplicationFailure) {
    const detail = cause.details?.[0] as { exit_code?: unknown } | undefined;
    if (detail && typeof detail.exit_code === 'number') failure.exit_code = detail.exit_code;
  }
  return failure;
}
