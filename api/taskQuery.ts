import { z } from 'zod';
import { TASK_TYPE_IDS, statusesForFilter, STATUS_CODES, TASK_STATUSES, type TaskStatus } from '../core';
import { durationMs, present, type TaskRecord } from './taskRecord';

const MAX_WINDOW_HOURS = 14 * 24;
export const SORT_KEYS = ['time', 'duration', 'dataset', 'task_type', 'status'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** A query value that may be given once or repeated (`?status=R&status=Q`). */
const repeated = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));
const integer = (name: string) =>
  z
    .string()
    .regex(/^-?\d+$/, `${name} must be a whole number`)
    .transform(Number);

/** The time window of a list or a graph: 1 hour up to the whole 14 days (the default). */
export const withinHours = integer('within_hours')
  .pipe(z.number().min(1, 'within_hours must be at least 1').max(MAX_WINDOW_HOURS, `within_hours must be at most ${MAX_WINDOW_HOURS} (14 days)`))
  .default(MAX_WINDOW_HOURS);

/**
 * `GET /tasks` parameters: the contract of vectorize-tasks-endpoint.md (limit, offset,
 * within_hours, repeated task_type and status, tag) plus the filters and sorts the task tables
 * of the other seeds need. Unknown parameters are refused so that a typo is not silently ignored.
 */
export const listTasksQuery = z
  .object({
    limit: integer('limit').pipe(z.number().min(1, 'limit must be between 1 and 100').max(100, 'limit must be between 1 and 100')).default(50),
    offset: integer('offset').pipe(z.number().min(0, 'offset must be 0 or more')).default(0),
    within_hours: withinHours,
    task_type: repeated
      .pipe(z.array(z.enum(TASK_TYPE_IDS as [string, ...string[]], { error: (i) => `unknown task_type '${String(i.input)}'; known: ${TASK_TYPE_IDS.join(', ')}` })))
      .optional(),
    status: repeated
      .pipe(
        z.array(
          z.string().refine((v) => statusesForFilter(v) !== undefined, {
            error: (i) => `unknown status '${String(i.input)}'; use a code (${STATUS_CODES.join(', ')}) or a name (${TASK_STATUSES.join(', ')})`,
          }),
        ),
      )
      .optional(),
    tag: z.string().optional(),
    dataset: z.string().optional(),
    dataset_id: z.string().optional(),
    user: z.string().optional(),
    batch: z.string().optional().describe('Tasks of one batch (POST /batches)'),
    pipeline: z.string().optional().describe('Tasks of one pipeline (POST /pipelines)'),
    q: z.string().optional().describe('Case-insensitive search in task name and id'),
    sort: z.enum(SORT_KEYS, { error: `sort must be one of ${SORT_KEYS.join(', ')}` }).default('time'),
    order: z.enum(['asc', 'desc'], { error: 'order must be asc or desc' }).default('desc'),
  })
  .strict();
export type ListTasksQuery = z.infer<typeof listTasksQuery>;

export interface TaskPage {
  total: number;
  items: TaskRecord[];
}

/** Filters, sorts and pages the task index; every value is compared literally. */
export function queryTasks(records: Iterable<TaskRecord>, query: ListTasksQuery, now = Date.now()): TaskPage {
  const since = now - query.within_hours * 3600 * 1000;
  const statuses = query.status ? new Set<TaskStatus>(query.status.flatMap((s) => statusesForFilter(s) ?? [])) : undefined;
  const types = query.task_type ? new Set(query.task_type) : undefined;
  const needle = query.q?.toLowerCase();
  const matches: TaskRecord[] = [];
  for (const r of records) {
    if (Date.parse(r.created_at) < since) continue;
    if (types && !types.has(r.task_type)) continue;
    if (statuses && !statuses.has(r.status)) continue;
    if (query.tag !== undefined && r.tag !== query.tag) continue;
    if (query.dataset !== undefined && r.dataset !== query.dataset) continue;
    if (query.dataset_id !== undefined && r.dataset_id !== query.dataset_id) continue;
    if (query.user !== undefined && r.user !== query.user) continue;
    if (query.batch !== undefined && r.batch_id !== query.batch) continue;
    if (query.pipeline !== undefined && r.pipeline_id !== query.pipeline) continue;
    if (needle && !(r.name?.toLowerCase().includes(needle) || r.id.toLowerCase().includes(needle))) continue;
    matches.push(r);
  }
  const direction = query.order === 'asc' ? 1 : -1;
  const key = sortKey(query.sort, now);
  // Each key is computed once, not in every comparison: a duration sort of 10,000 rows would
  // otherwise parse dates some 300,000 times.
  const keyed = matches.map((record) => ({ record, key: key(record) }));
  keyed.sort((a, b) => direction * compare(a.key, b.key) || compare(b.record.created_at, a.record.created_at) || compare(a.record.id, b.record.id));
  return {
    total: keyed.length,
    items: keyed.slice(query.offset, query.offset + query.limit).map(({ record }) => present(record, now)),
  };
}

type SortValue = string | number | null;

function sortKey(sort: SortKey, now: number): (r: TaskRecord) => SortValue {
  switch (sort) {
    case 'time':
      return (r) => r.created_at;
    case 'duration':
      return (r) => durationMs(r, now);
    case 'dataset':
      return (r) => r.dataset;
    case 'task_type':
      return (r) => r.task_type;
    case 'status':
      // Lifecycle order (pending, ..., running, completed, failed, ...) reads better than A–Z.
      return (r) => TASK_STATUSES.indexOf(r.status);
  }
}

/** Nulls sort before every value, so they come last in the default descending order. */
function compare(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

