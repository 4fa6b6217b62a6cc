import { ORIGIN_LABEL } from '../../../core/origin';
import type { TaskRecord } from '../api/types';

/**
 * Where a run came from: the violet ADHOC badge for what a person started, a quieter one for a
 * schedule (naming it), a retry or a follow-up. Pipeline and batch members show their own links.
 */
export function OriginBadge({ task }: { task: Pick<TaskRecord, 'origin' | 'schedule_id'> }) {
  if (task.origin === 'pipeline' || task.origin === 'batch') return null;
  const title = task.origin === 'adhoc' ? 'Started by hand (the form, the API or the CLI), not by a scheduler' : task.origin === 'scheduled' ? `Started by schedule ${task.schedule_id}` : undefined;
  return (
    <span className={`origin-badge origin-${task.origin}`} title={title} data-origin={task.origin}>
      {ORIGIN_LABEL[task.origin]}
    </span>
  );
}
