import { statusesForFilter, TASK_STATUSES, type TaskStatus } from '../core';
import type { ListTasksQuery, SortKey, TaskRecord } from '../core/contract';
import { durationMs, present } from './taskRecord';

export interface TaskPage {
  total: number;
  items: TaskRecord[];
}

/** Filters, sorts and pages the task index; every value is compared literally (the dataset without case). */
export function queryTasks(records: Iterable<TaskRecord>, query: ListTasksQuery, now = Date.now()): TaskPage {
  const since = now - query.within_hours * 3600 * 1000;
  const statuses = query.status ? new Set<TaskStatus>(query.status.flatMap((s) => statusesForFilter(s) ?? [])) : undefined;
  const types = query.task_type ? new Set(query.task_type) : undefined;
  const needle = query.q?.toLowerCase();
  // People type a dataset's name as they remember it, or its id: both match, whatever the case.
  const dataset = query.dataset?.trim().toLowerCase();
  const origins = query.origin ? new Set(query.origin) : undefined;
  const matches: TaskRecord[] = [];
  for (const r of records) {
    if (Date.parse(r.created_at) < since) continue;
    if (types && !types.has(r.task_type)) continue;
    if (statuses && !statuses.has(r.status)) continue;
    if (query.tag !== undefined && r.tag !== query.tag) continue;
    if (dataset !== undefined && r.dataset?.toLowerCase() !== dataset && r.dataset_id?.toLowerCase() !== dataset) continue;
    if (query.dataset_id !== undefined && r.dataset_id !== query.dataset_id) continue;
    if (query.user !== undefined && r.user !== query.user) continue;
    if (query.node !== undefined && r.node !== query.node) continue;
    if (query.batch !== undefined && r.batch_id !== query.batch) continue;
    if (query.pipeline !== undefined && r.pipeline_id !== query.pipeline) continue;
    if (origins && !origins.has(r.origin)) continue;
    if (query.group !== undefined && r.group !== query.group) continue;
    if (query.schedule !== undefined && r.schedule_id !== query.schedule) continue;
    if (query.agent !== undefined && r.agent !== query.agent) continue;
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

