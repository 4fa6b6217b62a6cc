/**
 * Where a task run came from. `adhoc` is a run a person started (the form, the API, the CLI): the
 * table's violet ADHOC badge. The others were started by something: a schedule (with its trigger
 * time), a retry, a follow-up the system started, a pipeline, a batch.
 */
export const ORIGINS = ['scheduled', 'adhoc', 'retry', 'follow_up', 'pipeline', 'batch'] as const;
export type Origin = (typeof ORIGINS)[number];

export const ORIGIN_LABEL: Record<Origin, string> = {
  scheduled: 'Scheduled',
  adhoc: 'ADHOC',
  retry: 'Retry',
  follow_up: 'Follow-up',
  pipeline: 'Pipeline',
  batch: 'Batch',
};

/**
 * A run's origin from what it carries; the most specific wins (a retry of a batch member is a
 * retry). A pipeline's own workflow carries its id as pipeline too, but it is no task row.
 */
export function originOf(run: { schedule_id: string | null; retry_of: string | null; triggered_by: string | null; pipeline_id: string | null; batch_id: string | null }): Origin {
  if (run.schedule_id) return 'scheduled';
  if (run.retry_of) return 'retry';
  if (run.triggered_by) return 'follow_up';
  if (run.pipeline_id) return 'pipeline';
  if (run.batch_id) return 'batch';
  return 'adhoc';
}
