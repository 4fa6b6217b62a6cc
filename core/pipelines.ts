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
  /** The group of the pipeline, given to each of its tasks. */
  group?: string;
  /**
   * The request is a template that runs many times (a schedule's action): each task's `id` and
   * `depends_on` are its key, and every run gives its tasks ids of its own (`pipelineRunTasks`).
   */
  per_run_ids?: boolean;
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

/**
 * The tasks of one run of a pipeline: as given, or, for a template, with ids made from the run's
 * workflow id and each key (`nightly-2026-11-30T02:00:00Z.invoice`), edges following.
 */
export function pipelineRunTasks(request: PipelineRequest, runId: string): PipelineTask[] {
  if (!request.per_run_ids) return request.tasks;
  const used = new Set<string>();
  const ids = new Map<string, string>();
  request.tasks.forEach((task, i) => {
    const readable = /^[A-Za-z0-9_-]{1,64}$/.test(task.key) && !used.has(task.key) ? task.key : `task-${i + 1}`;
    used.add(readable);
    ids.set(task.id, `${runId}.${readable}`);
  });
  return request.tasks.map((task) => ({
    ...task,
    id: ids.get(task.id)!,
    request: { ...task.request, ...(task.request.depends_on && { depends_on: task.request.depends_on.map((id) => ids.get(id) ?? id) }) },
  }));
}

/** Memo of the pipeline workflow: shown in lists, never filtered by visibility. */
export interface PipelineMemo {
  name?: string;
  task_count?: number;
  group?: string;
}
