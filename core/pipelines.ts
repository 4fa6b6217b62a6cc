import type { TaskRequest } from './task';
import type { TaskTypeId } from './taskTypes';

/**
 * A pipeline is a named set of tasks with edges, run as one parent workflow whose children are
 * the task workflows: the Temporal UI shows the relationship, and aborting the pipeline (a
 * cancellation of the parent) reaches every unfinished task.
 */
export const PIPELINE_WORKFLOW = 'taskdeck_pipeline';

/** Children are started by Temporal under a pending-children limit (2,000 by default); stay well under it. */
export const MAX_PIPELINE_TASKS = 1000;

export const PIPELINE_STATUSES = ['running', 'completed', 'failed', 'aborted', 'terminated', 'timed_out'] as const;
export type PipelineStatus = (typeof PIPELINE_STATUSES)[number];

export interface PipelineTask {
  /** The task's name within the pipeline, which edges refer to. */
  key: string;
  /** The task's workflow ID, chosen by whoever starts the pipeline so it can answer with it at once. */
  id: string;
  type: TaskTypeId;
  /** The child's argument; its `depends_on` lists task IDs, and it carries the pipeline's ID. */
  request: TaskRequest;
}

/** The argument of the pipeline workflow. */
export interface PipelineRequest {
  name: string;
  tag?: string;
  user?: string;
  tasks: PipelineTask[];
}

/** Memo of the pipeline workflow: shown in lists, never filtered by visibility. */
export interface PipelineMemo {
  name?: string;
  task_count?: number;
}
