/**
 * The statuses of a Taskdeck task: what every tracked workflow records in `TaskdeckStatus`, and how
 * a workflow's execution status maps to one where only the server knows the end. Pure (no
 * imports): the workflow sandbox, Node and a browser read it alike.
 */
export const TASK_STATUSES = [
  'pending',
  'pending_approval',
  /** Waiting for a node with the cores, memory and GPUs the task asked for (shown as queued). */
  'assigning',
  'initializing',
  'running',
  'paused',
  'completed',
  'failed',
  'aborted',
  'rejected',
  'upstream_failed',
  'terminated',
  'timed_out',
] as const;

export type TaskStatus = (typeof TASK_STATUSES)[number];

export const STATUS_LABEL: Record<TaskStatus, string> = {
  pending: 'Pending',
  pending_approval: 'Pending approval',
  assigning: 'Assigning',
  initializing: 'Initializing',
  running: 'Running',
  paused: 'Paused',
  completed: 'Completed',
  failed: 'Failed',
  aborted: 'Aborted',
  rejected: 'Rejected',
  upstream_failed: 'Upstream failed',
  terminated: 'Terminated',
  timed_out: 'Timed out',
};

const FINISHED: ReadonlySet<TaskStatus> = new Set(['completed', 'failed', 'aborted', 'rejected', 'upstream_failed', 'terminated', 'timed_out']);

export function isFinished(status: TaskStatus): boolean {
  return FINISHED.has(status);
}

/** Duration counts only while a task processes: pending, approval and assigning waits do not count. */
export function isProcessing(status: TaskStatus): boolean {
  return status === 'initializing' || status === 'running' || status === 'paused';
}

export function isTaskStatus(value: string): value is TaskStatus {
  return (TASK_STATUSES as readonly string[]).includes(value);
}

/** The lifecycle every task walks through; the timeline shows these steps in this order. */
export const LIFECYCLE: readonly TaskStatus[] = ['pending', 'initializing', 'running', 'completed'];

/**
 * A task's status from what Temporal says of its workflow: the execution status (`RUNNING`,
 * `COMPLETED`, ...) and the task's own status search attribute. The execution status wins where
 * only the server knows the end: a terminated or timed-out workflow never set its own status.
 */
export function taskStatusOf(execution: string, attribute: string | undefined): TaskStatus {
  const own = attribute && isTaskStatus(attribute) ? attribute : undefined;
  switch (execution) {
    case 'RUNNING':
      return own ?? 'pending';
    case 'COMPLETED':
      return 'completed';
    case 'FAILED':
      return own === 'upstream_failed' || own === 'rejected' ? own : 'failed';
    case 'CANCELLED':
    case 'CANCELED':
      return own === 'rejected' ? own : 'aborted';
    case 'TERMINATED':
      return 'terminated';
    case 'TIMED_OUT':
      return 'timed_out';
    default:
      return own ?? 'pending';
  }
}
