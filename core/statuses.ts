/**
 * The one source of truth for task statuses. Every workflow, the API filters and the web app
 * read statuses from here, so a status name or code is spelled in exactly one place.
 */

export const TASK_STATUSES = [
  'pending',
  'pending_approval',
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

/** Compact codes of the `/tasks` contract (vectorize-tasks-endpoint.md). */
export const STATUS_CODES = ['Q', 'R', 'D', 'F', 'C'] as const;
export type StatusCode = (typeof STATUS_CODES)[number];

export const STATUS_CODE: Record<TaskStatus, StatusCode> = {
  pending: 'Q',
  pending_approval: 'Q',
  initializing: 'R',
  running: 'R',
  paused: 'R',
  completed: 'D',
  failed: 'F',
  aborted: 'C',
  rejected: 'C',
  upstream_failed: 'F',
  terminated: 'C',
  timed_out: 'F',
};

export const STATUS_LABEL: Record<TaskStatus, string> = {
  pending: 'Pending',
  pending_approval: 'Pending approval',
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

const FINISHED: ReadonlySet<TaskStatus> = new Set([
  'completed',
  'failed',
  'aborted',
  'rejected',
  'upstream_failed',
  'terminated',
  'timed_out',
]);

export function isFinished(status: TaskStatus): boolean {
  return FINISHED.has(status);
}

/** Duration counts only while a task processes: pending and approval waits do not count. */
export function isProcessing(status: TaskStatus): boolean {
  return status === 'initializing' || status === 'running' || status === 'paused';
}

export function isTaskStatus(value: string): value is TaskStatus {
  return (TASK_STATUSES as readonly string[]).includes(value);
}

export function isStatusCode(value: string): value is StatusCode {
  return (STATUS_CODES as readonly string[]).includes(value);
}

/**
 * Expands a filter value, a status name or a code, into the statuses it selects.
 * Returns undefined for a value that is neither, so the caller can name it in a 400.
 */
export function statusesForFilter(value: string): TaskStatus[] | undefined {
  if (isTaskStatus(value)) return [value];
  if (isStatusCode(value)) return TASK_STATUSES.filter((s) => STATUS_CODE[s] === value);
  return undefined;
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
      return own === 'rejected' ? own : 'aborted';
    case 'TERMINATED':
      return 'terminated';
    case 'TIMED_OUT':
      return 'timed_out';
    default:
      return own ?? 'pending';
  }
}
