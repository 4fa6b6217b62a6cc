import type { TaskStatus } from './statuses';
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

/** An entry of `GET /pipelines`: the pipeline and how far its tasks got. */
export interface PipelineSummary {
  id: string;
  name: string;
  status: PipelineStatus;
  created_at: string;
  end_date: string | null;
  user: string | null;
  tag: string | null;
  task_count: number;
  /** Tasks per status, from the task table. */
  counts: Partial<Record<TaskStatus, number>>;
  /** Mean progress of its tasks, 0-100. */
  progress: number;
}

/** `GET /pipelines/:id` and the answer of `POST /pipelines`. */
export interface PipelineDetail extends PipelineSummary {
  /** Each task's key in the pipeline and its task ID. */
  tasks: { key: string; id: string }[];
  edges: { source: string; target: string }[];
}
