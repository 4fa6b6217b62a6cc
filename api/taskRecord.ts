import type { WorkflowExecutionInfo } from '@temporalio/client';
import { SA, STATUS_CODE, TEMPORAL_SA, isFinished, originOf, taskStatusOf, type PlacementMemo, type TaskMemo, type TaskStatus } from '../core';
import type { TaskRecord } from '../core/contract';

/** What the mapping reads of a workflow: a visibility row, a describe answer, or a start just made. */
export type WorkflowFacts = Pick<WorkflowExecutionInfo, 'workflowId' | 'runId' | 'type' | 'status' | 'startTime' | 'closeTime' | 'memo' | 'typedSearchAttributes'> &
  Partial<Pick<WorkflowExecutionInfo, 'parentExecution'>>;

/**
 * Maps what Temporal knows of a workflow (a visibility row or a describe answer) to a task row.
 * The execution status wins where only the server knows the end: a terminated or timed-out
 * workflow never got to upsert its own status.
 */
export function toTaskRecord(info: WorkflowFacts): TaskRecord {
  const sa = info.typedSearchAttributes;
  const memo = (info.memo ?? {}) as TaskMemo & PlacementMemo;
  const status = taskStatusOf(info.status.name, sa.get(SA.status));
  const startedAt = sa.get(SA.startedAt);
  const scheduledAt = sa.get(TEMPORAL_SA.scheduledStartTime);
  const links = {
    schedule_id: sa.get(TEMPORAL_SA.scheduledById) ?? null,
    retry_of: sa.get(SA.retryOf) ?? null,
    triggered_by: memo.triggered_by ?? null,
    pipeline_id: sa.get(SA.pipeline) ?? null,
    batch_id: sa.get(SA.batch) ?? null,
  };
  return {
    id: info.workflowId,
    task_type: sa.get(SA.type) ?? info.type,
    task_status: STATUS_CODE[status],
    tag: sa.get(SA.tag) ?? null,
    created_at: info.startTime.toISOString(),
    end_date: info.closeTime ? info.closeTime.toISOString() : null,
    name: memo.name ?? null,
    status,
    progress: workDone(status, sa.get(SA.progress) ?? 0, memo.failed_step ?? null),
    message: memo.message ?? null,
    dataset: sa.get(SA.dataset) ?? null,
    dataset_id: sa.get(SA.datasetId) ?? null,
    user: sa.get(SA.user) ?? null,
    started_at: startedAt ? startedAt.toISOString() : null,
    duration_ms: null,
    paused_ms: memo.paused_ms ?? 0,
    paused_at: status === 'paused' ? (memo.paused_at ?? null) : null,
    error: memo.error ?? SERVER_ENDED[status] ?? null,
    failed_step: memo.failed_step ?? null,
    exit_code: memo.exit_code ?? null,
    retry_of: links.retry_of,
    batch_id: links.batch_id,
    triggered_by: links.triggered_by,
    depends_on: memo.depends_on ?? [],
    pipeline_id: links.pipeline_id,
    origin: originOf(links),
    schedule_id: links.schedule_id,
    trigger_time: (scheduledAt ?? info.startTime).toISOString(),
    group: memo.group ?? null,
    agent: memo.agent ?? null,
    parent_id: info.parentExecution?.workflowId ?? null,
    run_id: info.runId,
    node: memo.node ?? null,
    allocation: memo.allocation ?? null,
  };
}

/**
 * Progress is work done. Only a completed task shows 100. A task that ended otherwise shows how far
 * its work got: nothing when it ended before its work began (pending, waiting for approval, or
 * initializing, whose own 0-100 counted the preparation), else what it reached, below 100.
 */
export function workDone(status: TaskStatus, progress: number, failedStep: TaskStatus | null): number {
  if (status === 'completed') return 100;
  if (!isFinished(status)) return progress;
  if (failedStep === 'pending' || failedStep === 'pending_approval' || failedStep === 'initializing') return 0;
  return Math.min(progress, 99);
}

const SERVER_ENDED: Partial<Record<TaskStatus, string>> = {
  terminated: 'The workflow was terminated outside Taskdeck',
  timed_out: 'The workflow hit its execution timeout',
};

/** The row as served: durations of running tasks are counted up to `now`. */
export function present(record: TaskRecord, now = Date.now()): TaskRecord {
  return { ...record, duration_ms: durationMs(record, now) };
}

export function durationMs(record: TaskRecord, now = Date.now()): number | null {
  if (!record.started_at) return null;
  const end = record.end_date ? Date.parse(record.end_date) : now;
  const pausing = record.paused_at ? Math.max(0, end - Date.parse(record.paused_at)) : 0;
  return Math.max(0, end - Date.parse(record.started_at) - record.paused_ms - pausing);
}
