import { STATUS_LABEL, TASK_STATUSES, isFinished, type TaskStatus } from '../../../core/statuses';

/**
 * How the tasks of a batch or a pipeline stand, in words: how many finished and how (`1
 * completed, 4 aborted of 5`), then what still runs or waits. Told apart from the progress bar,
 * which is the work done: a batch whose tasks were all aborted early finished, but did not get far.
 */
export function outcomeSummary(counts: Partial<Record<TaskStatus, number>>, expected: number): string {
  const part = (status: TaskStatus) => `${counts[status]} ${STATUS_LABEL[status].toLowerCase()}`;
  const present = TASK_STATUSES.filter((status) => (counts[status] ?? 0) > 0);
  const finished = present.filter((status) => isFinished(status));
  const open = present.filter((status) => !isFinished(status)).map(part);
  const counted = present.reduce((sum, status) => sum + (counts[status] ?? 0), 0);
  // `expected` (a pipeline's task count) may lag behind the tasks counted; the larger is the total.
  const total = Math.max(expected, counted);
  if (total > counted) open.push(`${total - counted} not started`);
  const ended = finished.length > 0 ? `${finished.map(part).join(', ')} of ${total}` : `none of ${total} finished`;
  return open.length > 0 ? `${ended} · ${open.join(', ')}` : ended;
}
