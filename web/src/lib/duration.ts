import { isFinished, type TaskStatus } from '../../../core/statuses';

interface Timed {
  status: TaskStatus;
  started_at: string | null;
  end_date: string | null;
  duration_ms: number | null;
}

/** Whether a task's duration is still growing: it started processing and has not ended. */
export function isCounting(task: Timed): boolean {
  return task.started_at !== null && !isFinished(task.status) && task.status !== 'paused';
}

/**
 * A task's processing time at `now`. Pending tasks have none. A running task counts from the
 * server's figure at `receivedAt` on, so a client clock that is off does not skew it.
 */
export function durationAt(task: Timed, receivedAt: number, now: number): number | null {
  if (task.duration_ms === null) return null;
  return isCounting(task) ? task.duration_ms + Math.max(0, now - receivedAt) : task.duration_ms;
}
