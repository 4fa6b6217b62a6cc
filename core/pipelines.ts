import type { TaskRequest } from './task';
import type { TaskTypeId } from './taskTypes';

/**
 * A pipeline is a named set of tasks with edges, run as one parent workflow whose children are
 * the task workflows: the Temporal UI shows the relationship, and aborting the pipeline (a
 * cancellation of the parent) reaches every unfinished task.
 */
export const PIPELINE_WORKFLOW = 'taskdeck_pipeline';

export const PIPELINE_SEGMENT_WORKFLOW = 'taskdeck_pipeline_segment';

/**
 * A pipeline runs up to this many tasks. Temporal limits how many children one workflow has
 * open (2,000 by default), how big a start argument or a signal is (2 MB) and how long a history
 * grows (51,200 events): a pipeline of more tasks than its segment size (1,000 by default) has its
 * tasks sent in signals of PIPELINE_SIGNAL_TASKS and runs them through segment workflows, each
 * the parent of at most that many (workflows/pipeline.ts).
 */
export const MAX_PIPELINE_TASKS = 10_000;
export const DEFAULT_PIPELINE_SEGMENT_TASKS = 1000;
/** Tasks per signal of a big pipeline (or its segment size, when smaller): a few hundred kB, well under the 2 MB a payload may be. */
export const PIPELINE_SIGNAL_TASKS = 500;

/** A segment's workflow ID: the pipeline's, numbered, so its tasks can be found again from the pipeline. */
export const pipelineSegmentId = (pipelineId: string, index: number): string => `${pipelineId}~segment-${index}`;

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
  /**
   * Set on a pipeline of more tasks than this: its tasks come in `pipelineTasksSignal`s (the
   * argument's `tasks` is empty) and run in segments of this many.
   */
  segment_size?: number;
  /** With `segment_size`: how many tasks the signals bring. */
  task_count?: number;
}

/** The argument of a segment workflow: consecutive tasks of its pipeline, upstream first. */
export interface PipelineSegmentRequest {
  pipeline_id: string;
  index: number;
  tasks: PipelineTask[];
}

/** Memo of the pipeline workflow: shown in lists, never filtered by visibility. */
export interface PipelineMemo {
  name?: string;
  task_count?: number;
}
