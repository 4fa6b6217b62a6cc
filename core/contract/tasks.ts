import { z } from 'zod';
import { DATASET_ID_PATTERN, DATASET_ID_RULE } from '../datasets';
import { MAX_KEYWORD_LENGTH } from '../searchAttributes';
import { ORIGINS } from '../origin';
import { MEMORY_RULE, parseMemoryMb } from '../nodes';
import { STATUS_CODES, TASK_STATUSES } from '../statuses';
import { taskMeta } from '../task';
import { TASK_TYPES, TASK_TYPE_IDS, type TaskTypeDefinition } from '../taskTypes';
import { queryInt, queryList } from './common';
import { DEFAULT_LIST_HOURS, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_WINDOW_HOURS, SORT_KEYS } from './listing';

const isoTime = z.iso.datetime();

/** Where a command task runs and what it may use there (see docs/nodes.md). */
const placementFields = {
  target_node: z.string().trim().min(1).max(MAX_KEYWORD_LENGTH).optional().describe('The node the task must run on (GET /nodes)'),
  cpu_cores: z
    .number({ error: 'cpu_cores must be a whole number of cores, 1 or more' })
    .int('cpu_cores must be a whole number of cores, 1 or more')
    .min(1, 'cpu_cores must be a whole number of cores, 1 or more')
    .max(4096, 'cpu_cores must be at most 4096')
    .optional()
    .describe('Cores the command is pinned to'),
  memory: z
    .string({ error: MEMORY_RULE })
    .refine((v) => parseMemoryMb(v) !== undefined, MEMORY_RULE)
    .transform((v) => parseMemoryMb(v)!)
    .optional()
    .describe('Memory the command may use: 512MB, 2GB, 1.5G (MB without a unit)'),
  gpu_ids: z
    .array(z.number({ error: 'gpu_ids lists GPU indices, whole numbers 0 or more' }).int('gpu_ids lists GPU indices, whole numbers 0 or more').min(0, 'gpu_ids lists GPU indices, whole numbers 0 or more').max(1023), {
      error: 'gpu_ids must be a list of GPU indices, like [0, 1]',
    })
    .min(1, 'gpu_ids must list at least one GPU; leave it out for none')
    .max(64)
    .refine((ids) => new Set(ids).size === ids.length, 'gpu_ids must not repeat a GPU')
    .optional()
    .describe('GPU indices the command sees (CUDA_VISIBLE_DEVICES)'),
  gpu_count: z
    .number({ error: 'gpu_count must be a whole number, 1 or more' })
    .int('gpu_count must be a whole number, 1 or more')
    .min(1, 'gpu_count must be a whole number, 1 or more')
    .max(64)
    .optional()
    .describe('How many GPUs, any free ones (instead of gpu_ids)'),
};

/**
 * One row of the task table. The first six fields are the `/tasks` contract of
 * vectorize-tasks-endpoint.md; the rest are what the other seeds' tables show. Strict, so a row
 * with a field the contract does not name fails the integration tests.
 */
export const taskRecord = z.strictObject({
  id: z.string(),
  task_type: z.string(),
  task_status: z.enum(STATUS_CODES),
  tag: z.string().nullable(),
  created_at: isoTime,
  end_date: isoTime.nullable(),
  name: z.string().nullable(),
  status: z.enum(TASK_STATUSES),
  progress: z.number().int().min(0).max(100),
  message: z.string().nullable(),
  dataset: z.string().nullable(),
  dataset_id: z.string().nullable(),
  user: z.string().nullable(),
  started_at: isoTime.nullable().describe('When processing started: pending time does not count'),
  duration_ms: z.number().nullable().describe('Processing time, counted up to now while the task runs; pauses do not count'),
  paused_ms: z.number().int().min(0).describe('Time spent in finished pauses'),
  paused_at: isoTime.nullable().describe('When the current pause began; null unless paused'),
  error: z.string().nullable(),
  failed_step: z.enum(TASK_STATUSES).nullable(),
  exit_code: z.number().int().nullable(),
  retry_of: z.string().nullable(),
  batch_id: z.string().nullable().describe('The batch the task was started in (POST /batches)'),
  triggered_by: z.string().nullable().describe('The task that started this one as its follow-up (a reindex after a media addition)'),
  depends_on: z.array(z.string()).describe('Tasks that must complete before this one starts'),
  pipeline_id: z.string().nullable().describe('The pipeline whose child this task is (POST /pipelines)'),
  origin: z.enum(ORIGINS).describe('Where the run came from: a schedule, a person (adhoc), a retry, a follow-up, a pipeline, a batch'),
  schedule_id: z.string().nullable().describe('The schedule that started the run (Temporal\'s TemporalScheduledById)'),
  trigger_time: isoTime.describe('When the run was due: the schedule\'s time for a scheduled run (TemporalScheduledStartTime), otherwise when it was submitted'),
  group: z.string().nullable().describe('The group of the schedule or pipeline the run belongs to'),
  agent: z.string().nullable().describe('The worker that ran it (its identity), kept after the run ended'),
  parent_id: z.string().nullable().describe('The workflow that started this one as its child: a pipeline, the task a follow-up came from'),
  run_id: z.string(),
  node: z.string().nullable().describe('The node the task was assigned to (tasks given a target node or resources); null for the others'),
  allocation: z
    .strictObject({
      cores: z.array(z.number().int()).describe('Core indices the process is pinned to'),
      memory_mb: z.number().int().nullable().describe('Memory limit in MB'),
      gpus: z.array(z.number().int()).describe('GPU indices it sees (CUDA_VISIBLE_DEVICES)'),
    })
    .nullable()
    .describe('What the task holds (or held) on its node'),
});
export type TaskRecord = z.infer<typeof taskRecord>;

export const timelineEntry = z.strictObject({ status: z.enum(TASK_STATUSES), at: isoTime });
export type TimelineEntry = z.infer<typeof timelineEntry>;

export const approvalDecision = z.strictObject({
  decision: z.enum(['approved', 'rejected']),
  by: z.string(),
  at: isoTime,
  note: z.string().nullable().describe("The reviewer's note: why it was rejected, or anything worth saying on approval"),
});

/** `GET /tasks/:id`: the row and what only the task's own workflow knows. */
export const taskDetail = taskRecord.extend({
  input: z.unknown().describe("The task's input, as its type's Input_<type> schema describes it; every `env` value shows as `••••`"),
  timeline: z.array(timelineEntry).describe('Each status the task went through, with when'),
  error_detail: z
    .strictObject({ message: z.string(), step: z.enum(TASK_STATUSES), exit_code: z.number().int().optional() })
    .nullable()
    .describe('The error with the lifecycle step that was running when the task failed'),
  approval: approvalDecision.nullable(),
  constraints: z
    .strictObject({
      target_node: z.string().nullable(),
      cpu_cores: z.number().int().nullable(),
      memory_mb: z.number().int().nullable(),
      gpu_ids: z.array(z.number().int()).nullable(),
      gpu_count: z.number().int().nullable(),
    })
    .nullable()
    .describe('What the task asked for: the node it must run on and the resources; null when it asked for none'),
  result: z.unknown(),
  retries: z.array(z.string()).describe('Tasks that retried this one, oldest first'),
  worker: z.string().nullable().describe('Identity of the worker running its activity; once it finished, of the worker that ran its last activity'),
  temporal_ui_url: z.string().nullable(),
});
export type TaskDetail = z.infer<typeof taskDetail>;

/** `POST /tasks/:id/abort` and `/kill`: the row as it was, with the request noted. */
export const abortAnswer = taskRecord.extend({ abort_requested: z.literal(true) });

/** An entry of `GET /approvals`: what a reviewer needs. */
export const approvalItem = taskRecord.extend({
  input: z.unknown().describe('The input; every `env` value shows as `••••`'),
  resources: z.strictObject({ resource: z.string(), dataset_access: z.string() }).nullable(),
});
export type ApprovalItem = z.infer<typeof approvalItem>;

/** `POST /tasks/:id/approve` and `/reject`: an optional note (the reason of a rejection). */
export const approvalBody = z
  .strictObject({ note: z.string().trim().min(1).max(1000, 'note must be at most 1000 characters').optional().describe('Why: shown on the task') })
  .default({});

const knownType = (value: unknown): string => `unknown task type '${String(value)}'; known: ${TASK_TYPE_IDS.join(', ')}`;

/** The time window of a graph (the whole 14 days by default). */
export const withinHours = queryInt('within_hours', {
  min: 1,
  max: MAX_WINDOW_HOURS,
  default: MAX_WINDOW_HOURS,
  description: `Hours back from now (1-${MAX_WINDOW_HOURS}, the 14-day window)`,
  tooSmall: 'within_hours must be at least 1',
  tooLarge: `within_hours must be at most ${MAX_WINDOW_HOURS} (14 days)`,
});

/**
 * `GET /tasks` parameters: the contract of vectorize-tasks-endpoint.md (limit, offset,
 * within_hours, repeated task_type and status, tag) plus the filters and sorts the task tables
 * of the other seeds need. Unknown parameters are refused so that a typo is not silently ignored.
 */
export const listTasksQuery = z.strictObject({
  limit: queryInt('limit', { min: 1, max: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Tasks per page' }),
  offset: queryInt('offset', { min: 0, max: 10_000_000, default: 0, description: 'Tasks to skip', tooSmall: 'offset must be 0 or more' }),
  within_hours: queryInt('within_hours', {
    min: 1,
    max: MAX_WINDOW_HOURS,
    default: DEFAULT_LIST_HOURS,
    description: `Hours back from now (1-${MAX_WINDOW_HOURS}); by default the last hour, as the Vectorize contract says; ${MAX_WINDOW_HOURS} is the whole 14-day window`,
    tooSmall: 'within_hours must be at least 1',
    tooLarge: `within_hours must be at most ${MAX_WINDOW_HOURS} (14 days)`,
  }),
  task_type: queryList(z.string().min(1).max(255))
    .optional()
    .describe('Task types (repeatable): catalog types, and workflow types the plugin tracks (see GET /task-types)'),
  status: queryList(
    z.enum([...STATUS_CODES, ...TASK_STATUSES], {
      error: (i) => `unknown status '${String(i.input)}'; use a code (${STATUS_CODES.join(', ')}) or a name (${TASK_STATUSES.join(', ')})`,
    }),
  )
    .optional()
    .describe('Status codes or names (repeatable)'),
  tag: z.string().optional(),
  dataset: z.string().optional().describe("A dataset's name or id, case-insensitive"),
  dataset_id: z.string().optional(),
  user: z.string().optional(),
  batch: z.string().optional().describe('Tasks of one batch (POST /batches)'),
  pipeline: z.string().optional().describe('Tasks of one pipeline (POST /pipelines)'),
  origin: queryList(z.enum(ORIGINS, { error: (i) => `unknown origin '${String(i.input)}'; use ${ORIGINS.join(', ')}` }))
    .optional()
    .describe('Where runs came from (repeatable): adhoc is what a person started'),
  group: z.string().optional().describe('Runs of one group (of a schedule or pipeline)'),
  schedule: z.string().optional().describe('Runs one schedule started'),
  agent: z.string().optional().describe('Runs a worker ran'),
  q: z.string().optional().describe('Case-insensitive search in task name and id'),
  node: z.string().optional().describe('Tasks assigned to one node'),
  sort: z.enum(SORT_KEYS, { error: `sort must be one of ${SORT_KEYS.join(', ')}` }).default('time'),
  order: z.enum(['asc', 'desc'], { error: 'order must be asc or desc' }).default('desc'),
});
export type ListTasksQuery = z.infer<typeof listTasksQuery>;

/** What a client may say about a new task besides its type and input. */
const startMeta = taskMeta.pick({ name: true, tag: true, dataset: true, user: true, depends_on: true }).extend({
  dataset_id: z.string().trim().min(1).max(MAX_KEYWORD_LENGTH).optional().describe('Identifier of the dataset the task works on'),
  ...placementFields,
});

/**
 * The start of one task type: its input is that type's own schema (`Input_<type>` in the OpenAPI
 * document), and a type that works on a dataset needs a well-formed `dataset_id` (one that creates
 * a dataset picks one from the name when it is absent).
 */
function startVariant<E extends z.ZodRawShape>(definition: TaskTypeDefinition, extra: E) {
  const base = startMeta.extend({ type: z.literal(definition.id), input: definition.input, ...extra });
  if (definition.dataset === 'none') return base.strict();
  const datasetField = z
    .string({ error: (i) => (i.input === undefined ? `a ${definition.label} task needs dataset_id` : 'dataset_id must be a string') })
    .regex(DATASET_ID_PATTERN, DATASET_ID_RULE)
    .describe(`The dataset${definition.dataset === 'new' ? ' to create; picked from the dataset name when absent' : ''}`);
  return definition.dataset === 'existing' ? base.extend({ dataset_id: datasetField }).strict() : base.extend({ dataset_id: datasetField.optional() }).strict();
}

/** `POST /tasks` (and each task of a batch, or of a pipeline with `extra` fields): a union keyed by `type`. */
export function startTaskSchema<E extends z.ZodRawShape = Record<never, never>>(extra: E = {} as E) {
  type Variant = ReturnType<typeof startVariant<E>>;
  const variants = Object.values(TASK_TYPES).map((definition) => startVariant(definition, extra));
  return z.discriminatedUnion('type', variants as unknown as [Variant, ...Variant[]], {
    error: (issue) => {
      if ((issue.code as string) === 'invalid_type') return 'a task is a JSON object with type and input';
      if (issue.code !== 'invalid_union') return undefined;
      const given = (issue.input as { type?: unknown } | undefined)?.type;
      return given === undefined ? 'type is required' : knownType(given);
    },
  });
}
export const startTaskBody = startTaskSchema();
export type StartTaskBody = z.infer<typeof startTaskBody>;

