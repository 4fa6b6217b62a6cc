import { z } from 'zod';
import { MAX_PIPELINE_TASKS, PIPELINE_STATUSES } from '../pipelines';
import { MAX_KEYWORD_LENGTH } from '../searchAttributes';
import { statusCounts } from './batches';
import { startTaskSchema } from './tasks';

const isoTime = z.iso.datetime();

/** One task of `POST /pipelines`: a `POST /tasks` body with a key, depending on other keys. */
const pipelineTaskBody = startTaskSchema({
  key: z.string().trim().min(1, 'key must not be empty').max(100, 'key must be at most 100 characters').describe('Names the task within the pipeline, for depends_on'),
  depends_on: z.array(z.string()).max(MAX_PIPELINE_TASKS).optional().describe('Keys of the tasks of this pipeline that must complete first'),
});

/** `POST /pipelines`: a named set of tasks and their edges. */
export const pipelineBody = z.strictObject({
  name: z.string().trim().min(1, 'name is required').max(MAX_KEYWORD_LENGTH),
  tag: z.string().trim().min(1).max(MAX_KEYWORD_LENGTH).optional().describe('Given to the pipeline and each of its tasks that has none'),
  group: z.string().trim().min(1).max(MAX_KEYWORD_LENGTH).optional().describe('The group the pipeline and its tasks belong to ("billing")'),
  tasks: z
    .array(pipelineTaskBody)
    .min(1, 'tasks must list at least one task')
    .max(MAX_PIPELINE_TASKS, `tasks must list at most ${MAX_PIPELINE_TASKS} tasks`),
});
export type PipelineBody = z.infer<typeof pipelineBody>;

/** An entry of `GET /pipelines`: the pipeline and how far its tasks got. */
export const pipelineSummary = z.strictObject({
  id: z.string(),
  name: z.string(),
  status: z.enum(PIPELINE_STATUSES),
  created_at: isoTime,
  end_date: isoTime.nullable(),
  user: z.string().nullable(),
  tag: z.string().nullable(),
  group: z.string().nullable(),
  schedule_id: z.string().nullable().describe('The schedule that started this pipeline run'),
  task_count: z.number().int(),
  counts: statusCounts,
  progress: z
    .number()
    .int()
    .min(0)
    .max(100)
    .describe("Work done: the mean of its tasks' progress (tasks not started count 0; only a completed task counts 100)"),
});
export type PipelineSummary = z.infer<typeof pipelineSummary>;

/** `GET /pipelines/:id` and the answer of `POST /pipelines`. */
export const pipelineDetail = pipelineSummary.extend({
  tasks: z.array(z.strictObject({ key: z.string(), id: z.string() })).describe("Each task's key in the pipeline and its task id"),
  edges: z.array(z.strictObject({ source: z.string(), target: z.string() })),
  expected_end: z
    .strictObject({
      at: isoTime,
      earlier_runs: z.number().int().describe('Earlier runs of a pipeline of this name whose task durations it used; 0: durations of tasks of the same types'),
    })
    .nullable()
    .describe('While it runs: when it is expected to end, from the durations of its earlier runs or of tasks of the same types; null once ended, or when a task has neither'),
});
export type PipelineDetail = z.infer<typeof pipelineDetail>;

export const pipelineAborted = pipelineDetail.extend({ abort_requested: z.literal(true) });
