import type { WorkflowExecutionInfo } from '@temporalio/client';
import { PIPELINE_STATUSES, SA, TEMPORAL_SA, type PipelineMemo, type PipelineStatus } from '../core';
import type { PipelineSummary } from '../core/contract';

/** A pipeline workflow as the API's index keeps it; its tasks' counts come from the task rows. */
export interface PipelineRecord extends Omit<PipelineSummary, 'counts' | 'progress'> {
  run_id: string;
  /** When the run was due: its schedule's time, or its start. */
  trigger_time: string;
  started_at: string | null;
}

export function toPipelineRecord(info: Omit<WorkflowExecutionInfo, 'raw'>): PipelineRecord {
  const memo = (info.memo ?? {}) as PipelineMemo;
  return {
    id: info.workflowId,
    name: memo.name ?? info.workflowId,
    status: pipelineStatusOf(info.status.name, info.typedSearchAttributes.get(SA.status)),
    created_at: info.startTime.toISOString(),
    end_date: info.closeTime ? info.closeTime.toISOString() : null,
    user: info.typedSearchAttributes.get(SA.user) ?? null,
    tag: info.typedSearchAttributes.get(SA.tag) ?? null,
    group: memo.group ?? null,
    schedule_id: info.typedSearchAttributes.get(TEMPORAL_SA.scheduledById) ?? null,
    trigger_time: (info.typedSearchAttributes.get(TEMPORAL_SA.scheduledStartTime) ?? info.startTime).toISOString(),
    started_at: info.startTime.toISOString(),
    task_count: memo.task_count ?? 0,
    run_id: info.runId,
  };
}

/** As for tasks, the server's word wins where the workflow could not set its own status. */
function pipelineStatusOf(execution: string, attribute: string | undefined): PipelineStatus {
  switch (execution) {
    case 'COMPLETED':
      return 'completed';
    case 'FAILED':
      return 'failed';
    case 'CANCELLED':
      return 'aborted';
    case 'TERMINATED':
      return 'terminated';
    case 'TIMED_OUT':
      return 'timed_out';
    default:
      return attribute && (PIPELINE_STATUSES as readonly string[]).includes(attribute) ? (attribute as PipelineStatus) : 'running';
  }
}
