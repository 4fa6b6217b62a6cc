/** Log streams a task writes. The store layout mirrors KohakuRiver's `logs/<task_id>/<stream>.log`. */
export const LOG_STREAMS = ['stdout', 'stderr'] as const;
export type LogStream = (typeof LOG_STREAMS)[number];

/** Lines in one page of the log viewer and of `GET /tasks/:id/logs`. */
export const LOG_PAGE_SIZE = 500;

/**
 * Path of a task's log file relative to the logs root. Workflow IDs from other clients may hold
 * any character, so the ID is encoded to stay one path segment.
 */
export function logFilePath(taskId: string, stream: LogStream): string {
  return `${encodeURIComponent(taskId).replace(/\./g, '%2E')}/${stream}.log`;
}
