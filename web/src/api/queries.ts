import { QueryClient, keepPreviousData, queryOptions, type QueryKey } from '@tanstack/react-query';
import { isFinished } from '../../../core/statuses';
import { ApiError, api } from './client';
import type { TaskGraph, TaskRecord } from './types';

/**
 * The app's server state: every answer of the API it shows lives in one TanStack Query cache,
 * keyed by what was asked. The live events (live/taskCache.ts) patch and invalidate these
 * entries; pages only read them. Each factory calls the typed client with TanStack's signal, so
 * a query nobody waits for any more is cancelled.
 */

/** A row of the task table with when it arrived: a running task's duration counts on from there. */
export interface Row {
  task: TaskRecord;
  receivedAt: number;
}

/** One page of `GET /tasks`: its rows and the total the filter matches. */
export interface TaskPage {
  rows: Row[];
  total: number;
}

/** `GET /graph` with when it was asked for: task events heard after that may be newer than the graph. */
export interface GraphAnswer {
  graph: TaskGraph;
  askedAt: number;
}

export const taskKeys = {
  all: ['tasks'] as const,
  lists: () => ['tasks', 'list'] as const,
  /** `query`: the `GET /tasks` query string (filters, sort, page). */
  list: (query: string) => ['tasks', 'list', query] as const,
  details: () => ['tasks', 'detail'] as const,
  detail: (id: string) => ['tasks', 'detail', id] as const,
};

export const queryKeys = {
  taskTypes: ['task-types'] as const,
  /** Who the token signs in; every query is reset when the token changes (see live/taskCache.ts). */
  me: ['me'] as const,
  config: ['config'] as const,
  approvals: ['approvals'] as const,
  batches: ['batches'] as const,
  batch: (id: string) => ['batch', id] as const,
  pipelines: ['pipelines'] as const,
  pipeline: (id: string) => ['pipeline', id] as const,
  /** `query`: the `GET /graph` query string. */
  graph: (query: string) => ['graph', query] as const,
  datasets: ['datasets'] as const,
  dataset: (id: string) => ['dataset', id] as const,
  schedules: ['schedules'] as const,
  schedule: (id: string) => ['schedules', id] as const,
  nodes: ['nodes'] as const,
};

/** Node health and load come from Temporal, not from task events: asked again this often. */
export const NODES_REFRESH_MS = 5000;
/** Lists go stale after this; the live events invalidate them sooner whenever a task changes. */
export const LIST_STALE_MS = 5000;
/** A live task's detail is asked again this often, for the freshest progress message. */
export const LIVE_DETAIL_REFRESH_MS = 3000;
/** A running pipeline is asked again this often: it closes after its last task, and no task event says so. */
export const RUNNING_PIPELINE_REFRESH_MS = 3000;

/** A 4xx will answer the same again: only a failure of the network or the server is retried, once. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status < 500) return false;
  return failureCount < 1;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: LIST_STALE_MS,
        retry: shouldRetry,
        // The event stream keeps what is on screen fresh, and resyncs after a reconnection:
        // coming back to the tab needs no refetch of every query.
        refetchOnWindowFocus: false,
      },
    },
  });
}

export const taskListQuery = (query: string) =>
  queryOptions({
    queryKey: taskKeys.list(query),
    queryFn: async ({ signal }): Promise<TaskPage> => {
      const page = await api.listTasks(new URLSearchParams(query), signal);
      const receivedAt = Date.now();
      return { rows: page.items.map((task) => ({ task, receivedAt })), total: page.total };
    },
    // Another page, sort or filter keeps the rows shown until its own arrive.
    placeholderData: keepPreviousData,
  });

export const taskDetailQuery = (id: string) =>
  queryOptions({
    queryKey: taskKeys.detail(id),
    queryFn: ({ signal }) => api.task(id, signal),
    // Task events patch the row's fields; the rest (progress message, timeline) is asked for.
    refetchInterval: (query) => {
      const task = query.state.data;
      return task && !isFinished(task.status) ? LIVE_DETAIL_REFRESH_MS : false;
    },
  });

export const taskTypesQuery = queryOptions({
  queryKey: queryKeys.taskTypes,
  queryFn: ({ signal }) => api.taskTypes(signal),
  staleTime: Infinity,
});

export const meQuery = queryOptions({
  queryKey: queryKeys.me,
  queryFn: ({ signal }) => api.me(undefined, signal),
  staleTime: Infinity,
});

export const configQuery = queryOptions({
  queryKey: queryKeys.config,
  queryFn: ({ signal }) => api.config(signal),
  staleTime: Infinity,
});

export const approvalsQuery = queryOptions({
  queryKey: queryKeys.approvals,
  queryFn: ({ signal }) => api.approvals(signal),
});

export const batchQuery = (id: string) =>
  queryOptions({
    queryKey: queryKeys.batch(id),
    queryFn: ({ signal }) => api.batch(id, signal),
  });

export const batchesQuery = queryOptions({
  queryKey: queryKeys.batches,
  queryFn: ({ signal }) => api.batches(signal),
});

export const pipelinesQuery = queryOptions({
  queryKey: queryKeys.pipelines,
  queryFn: ({ signal }) => api.pipelines(signal),
});

export const pipelineQuery = (id: string) =>
  queryOptions({
    queryKey: queryKeys.pipeline(id),
    queryFn: ({ signal }) => api.pipeline(id, signal),
    refetchInterval: (query) => (query.state.data?.status === 'running' ? RUNNING_PIPELINE_REFRESH_MS : false),
  });

export const graphQuery = (query: string) =>
  queryOptions({
    queryKey: queryKeys.graph(query),
    queryFn: async ({ signal }): Promise<GraphAnswer> => {
      const askedAt = Date.now();
      return { graph: await api.graph(query, signal), askedAt };
    },
  });

/** Next run times move on by themselves, with no task event to say so: a shown schedule is asked again this often. */
export const SCHEDULE_REFRESH_MS = 5000;

export const schedulesQuery = queryOptions({
  queryKey: queryKeys.schedules,
  queryFn: ({ signal }) => api.schedules(signal),
  refetchInterval: SCHEDULE_REFRESH_MS,
});

export const scheduleQuery = (id: string) =>
  queryOptions({
    queryKey: queryKeys.schedule(id),
    queryFn: ({ signal }) => api.schedule(id, signal),
    refetchInterval: SCHEDULE_REFRESH_MS,
  });

export const nodesQuery = queryOptions({
  queryKey: queryKeys.nodes,
  queryFn: ({ signal }) => api.nodes(signal),
  refetchInterval: NODES_REFRESH_MS,
});

export const datasetsQuery = queryOptions({
  queryKey: queryKeys.datasets,
  queryFn: ({ signal }) => api.datasets(signal),
});

export const datasetQuery = (id: string) =>
  queryOptions({
    queryKey: queryKeys.dataset(id),
    queryFn: ({ signal }) => api.dataset(id, signal),
  });

/**
 * What a change of this task may have changed besides its own row and detail: the task lists (a
 * new task, another order), the detail of the task it retries (its list of retries), the approval
  * queue when it waits for approval or `wasPending`, its batch and the list of batches, its
 * pipeline and the list of pipelines, the datasets and its dataset, and the schedules.
 */
export function keysTouchedBy(task: TaskRecord, wasPending = false): QueryKey[] {
  const keys: QueryKey[] = [taskKeys.lists()];
  if (task.retry_of) keys.push(taskKeys.detail(task.retry_of));
  if (wasPending || task.status === 'pending_approval') keys.push(queryKeys.approvals);
  if (task.batch_id) keys.push(queryKeys.batch(task.batch_id), queryKeys.batches);
  if (task.pipeline_id) keys.push(queryKeys.pipeline(task.pipeline_id), queryKeys.pipelines);
  if (task.dataset_id) keys.push(queryKeys.datasets, queryKeys.dataset(task.dataset_id));
  // A run's status is a schedule's last run (and, under its group, the Tasks & Groups page).
  if (task.schedule_id || task.group) keys.push(queryKeys.schedules);
  if (task.node) keys.push(queryKeys.nodes);
  return keys;
}

/** After a user's action on one task: refetch what it changed now, rather than wait for its events. */
export async function invalidateTask(client: QueryClient, task: TaskRecord): Promise<void> {
  const keys = [taskKeys.detail(task.id), ...keysTouchedBy(task, task.status === 'pending_approval')];
  await Promise.all(keys.map((queryKey) => client.invalidateQueries({ queryKey })));
}
