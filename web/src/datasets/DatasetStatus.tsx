import { Link } from 'react-router';
import type { DatasetSummary } from '../api/types';
import { formatTime } from '../lib/format';
import { typeLabel, useTaskTypes } from '../lib/taskTypes';

type Status = DatasetSummary['status'];

/** What each status of the concurrency table lets through (visual-layer-task-manager.md). */
export const DATASET_STATUS_HELP: Record<Status, string> = {
  ready: 'No task modifies it and its index is complete: every operation may start.',
  read_only:
    'A task modifies it: it can be read (training, validation, synthesis), but media addition, reindex, snapshots, enrichment, label propagation and custom metadata wait until that task ends.',
  partial_index: 'Media was added and no reindex has completed since: enrichment, label propagation and custom metadata are blocked; add media, reindex and snapshots are not.',
};

/** A dataset's status as the concurrency table names it: Ready, Read Only or Partial Index. */
export function DatasetStatusBadge({ status, label }: { status: Status; label: string }) {
  return (
    <span className={`badge badge-dataset-${status}`} data-dataset-status={status} title={DATASET_STATUS_HELP[status]}>
      {label}
    </span>
  );
}

/** The tasks modifying a dataset now, each a link to its page. */
export function HolderLinks({ holders }: { holders: DatasetSummary['holders'] }) {
  const { types } = useTaskTypes();
  return (
    <span className="holders">
      {holders.map((h, i) => (
        <span key={h.task_id}>
          {i > 0 && ', '}
          <Link to={`/tasks/${encodeURIComponent(h.task_id)}`} title={`Since ${formatTime(h.since)}`}>
            {typeLabel(types, h.task_type)} <span className="mono">{h.task_id.slice(0, 8)}</span>
          </Link>
        </span>
      ))}
    </span>
  );
}
