import { z } from 'zod';
import { TASK_STATUSES } from '../statuses';
import { listTasksQuery, startTaskBody, taskRecord } from './tasks';

/** A bulk action covers at most this many tasks. */
export const MAX_BATCH = 1000;
/** A batch starts at most this many tasks: they are independent workflows, not children of one. */
export const MAX_BATCH_TASKS = 10_000;

/** `POST /batches`: one name and a list of tasks, each as `POST /tasks` takes it. */
export const batchBody = z.strictObject({
  name: z.string().trim().min(1).max(100).optional().describe('Readable start of the batch id'),
  tasks: z.array(startTaskBody).min(1, 'tasks must list at least one task').max(MAX_BATCH_TASKS, `tasks must list at most ${MAX_BATCH_TASKS} tasks`),
});
export type BatchBody = z.infer<typeof batchBody>;

const refusal = z.strictObject({ status: z.number().int().describe('The HTTP status the task would have had alone'), error: z.string() });

/** The answer of `POST /batches`: the started tasks, and those that could not start with why. */
export const batchStarted = z.strictObject({
  id: z.string(),
  tasks: z.array(taskRecord),
  failed: z.array(refusal.extend({ index: z.number().int().describe('Position of the task in the request') })),
});

const counts = z.partialRecord(z.enum(TASK_STATUSES), z.number().int().min(1)).describe('Tasks per status');

/**
 * Where a batch stands, from its tasks: `running` while any has not ended, then `completed` when
 * all completed, `failed` when any failed (failed, upstream_failed, timed_out, terminated), else
 * `aborted` (aborted or rejected).
 */
export const BATCH_STATUSES = ['running', 'completed', 'failed', 'aborted'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

const batchFacts = {
  id: z.string(),
  total: z.number().int(),
  progress: z
    .number()
    .int()
    .min(0)
    .max(100)
    .describe("Work done: the mean of its tasks' progress, where only a completed task counts 100 and one that ended otherwise counts how far it got"),
  counts,
  finished: z.number().int().describe('Tasks that ended, however they ended (counts says how)'),
};

/** `GET /batches/:id`. */
export const batchSummary = z.strictObject({ ...batchFacts, tasks: z.array(taskRecord) });
export type BatchSummary = z.infer<typeof batchSummary>;

/** An entry of `GET /batches`: the batch without its tasks, with when it started and where it stands. */
export const batchListItem = z.strictObject({
  ...batchFacts,
  status: z.enum(BATCH_STATUSES),
  created_at: z.iso.datetime().describe('When its first task was created'),
  end_date: z.iso.datetime().nullable().describe('When its last task ended; null while one has not'),
  user: z.string().nullable().describe('Who started its first task'),
});
export type BatchListItem = z.infer<typeof batchListItem>;
export const batchList = z.array(batchListItem);

export const batchAborted = z.strictObject({
  batch_id: z.string(),
  job_id: z.string().describe('The Temporal batch operation that cancels the tasks'),
  query: z.string().describe('Its visibility query'),
});

/** The parameters of GET /tasks that are whole numbers: a filter gives them as JSON numbers. */
const NUMERIC = new Set(['limit', 'offset', 'within_hours']);

/**
 * The filter of a bulk action: the query parameters of GET /tasks, as an object, with the same
 * rules; its numbers are JSON numbers (or, as in a URL, strings).
 */
const tasksFilter = z
  .preprocess(
    (value) =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).map(([key, v]) => [key, NUMERIC.has(key) && typeof v === 'number' ? String(v) : v]))
        : value,
    listTasksQuery,
  )
  .describe('The query parameters of GET /tasks (limit and offset are ignored: the action covers every match)');

/** Fields of a filter that only page, order or window the list: alone they narrow nothing. */
const NOT_NARROWING = new Set(['limit', 'offset', 'sort', 'order', 'within_hours']);

/**
 * `POST /tasks/bulk/abort|retry`: the tasks selected in the table, or every task matching a
 * filter; one of the two. A filter that narrows nothing (no field but the time window) would act on
 * every task of the window: it needs `all: true` beside it, so that such an action is always
 * deliberate. (An object with optional fields rather than a union, so that an error inside the
 * filter keeps its path, `filter.status.0`.)
 */
export const bulkBody = z
  .strictObject({
    ids: z.array(z.string().min(1)).min(1, 'ids must list at least one task').max(MAX_BATCH, `ids must list at most ${MAX_BATCH} tasks`).optional(),
    filter: tasksFilter.optional(),
    all: z.literal(true, { error: 'all must be true (or left out)' }).optional().describe('Required with a filter that narrows nothing but the time window: act on every task in it'),
  })
  .refine((body) => (body.ids === undefined) !== (body.filter === undefined), { message: 'give ids (a list of task ids) or filter (the query of GET /tasks), not both' })
  .refine((body) => !body.filter || body.all || Object.entries(body.filter).some(([key, value]) => !NOT_NARROWING.has(key) && value !== undefined), {
    message: 'filter narrows nothing: it would act on every task of the window; name a field (status, task_type, tag, ...) or send all: true',
    path: ['filter'],
  })
  .meta({ oneOf: [{ required: ['ids'] }, { required: ['filter'] }] });
export type BulkBody = z.infer<typeof bulkBody>;

export const bulkOutcome = z.strictObject({
  accepted: z.array(z.strictObject({ id: z.string(), retry_id: z.string().optional() })).describe('Tasks the action was requested for'),
  refused: z.array(refusal.extend({ id: z.string() })).describe('Tasks it was not, each with the status and reason it would have had alone'),
  job_id: z
    .string()
    .optional()
    .describe('Abort: the Temporal batch operation that cancels the accepted tasks. Retry: the id of the background task (GET /tasks/{id}) that retries them, with its progress; its result lists each retry'),
});
export type BulkOutcome = z.infer<typeof bulkOutcome>;

export { counts as statusCounts };
