import type { DatasetSummary } from '../api/types';

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
