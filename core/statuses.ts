/**
 * Statuses as Taskdeck's HTTP contract adds to the protocol's: the compact codes of the `/tasks`
 * contract of vectorize-tasks-endpoint.md, and filters that take names or codes. The statuses
 * themselves are the plugin's protocol (plugin/src/statuses.ts), the one source of truth.
 */
import { TASK_STATUSES, isTaskStatus, type TaskStatus } from '../plugin/src/statuses';

export * from '../plugin/src/statuses';

/** Compact codes of the `/tasks` contract (vectorize-tasks-endpoint.md). */
export const STATUS_CODES = ['Q', 'R', 'D', 'F', 'C'] as const;
export type StatusCode = (typeof STATUS_CODES)[number];

export const STATUS_CODE: Record<TaskStatus, StatusCode> = {
  pending: 'Q',
  pending_approval: 'Q',
  assigning: 'Q',
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
