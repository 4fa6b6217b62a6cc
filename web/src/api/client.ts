import type { TaskGraph } from '../../../core/graph';
import type { PipelineDetail, PipelineSummary } from '../../../core/pipelines';
import { UNAUTHORIZED_EVENT, signOut, token, withToken } from './session';
import type { ApiErrorBody, ApprovalItem, BatchSummary, BulkOutcome, Me, DatasetSummary, LogPage, LogSearch, LogStream, TaskDetail, TaskRecord, TaskType, UiConfig } from './types';

/** A 4xx/5xx answer of the API, with its `{ error, field, issues }` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.error);
  }
}

/** What to tell the user of a failed call: the API's own error when it gave one. */
export function errorMessage(err: unknown): string {
  return err instanceof ApiError ? err.body.error : String(err);
}

async function request<T>(path: string, init?: RequestInit & { bearer?: string }): Promise<{ data: T; headers: Headers }> {
  const bearer = init?.bearer ?? token();
  const res = await fetch(path, {
    ...init,
    headers: {
      accept: 'application/json',
      ...(init?.body ? { 'content-type': 'application/json' } : {}),
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
    },
  });
  const text = await res.text();
  const body: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const error = body && typeof body === 'object' && 'error' in body ? (body as ApiErrorBody) : { error: `${res.status} ${res.statusText}` };
    // A token that is missing or no longer valid sends the user to the sign-in page.
    if (res.status === 401 && init?.bearer === undefined) {
      signOut();
      window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    }
    throw new ApiError(res.status, error);
  }
  return { data: body as T, headers: res.headers };
}

const taskPath = (id: string) => `/tasks/${encodeURIComponent(id)}`;

export interface TaskListPage {
  items: TaskRecord[];
  total: number;
}

export interface StartTaskBody {
  type: string;
  input: Record<string, unknown>;
  name?: string;
  tag?: string;
  dataset?: string;
  dataset_id?: string;
  user?: string;
}

export const api = {
  async listTasks(query: URLSearchParams, signal?: AbortSignal): Promise<TaskListPage> {
    const { data, headers } = await request<TaskRecord[]>(`/tasks?${query}`, { signal });
    return { items: data, total: Number(headers.get('X-Total-Count') ?? data.length) };
  },
  task: async (id: string, signal?: AbortSignal) => (await request<TaskDetail>(taskPath(id), { signal })).data,
  taskTypes: async () => (await request<TaskType[]>('/task-types')).data,
  datasets: async () => (await request<DatasetSummary[]>('/datasets')).data,
  config: async () => (await request<UiConfig>('/config')).data,
  start: async (body: StartTaskBody) => (await request<TaskRecord>('/tasks', { method: 'POST', body: JSON.stringify(body) })).data,
  abort: async (id: string) => (await request<TaskRecord>(`${taskPath(id)}/abort`, { method: 'POST' })).data,
  pause: async (id: string) => (await request<TaskRecord>(`${taskPath(id)}/pause`, { method: 'POST' })).data,
  resume: async (id: string) => (await request<TaskRecord>(`${taskPath(id)}/resume`, { method: 'POST' })).data,
  approve: async (id: string) => (await request<TaskRecord>(`${taskPath(id)}/approve`, { method: 'POST' })).data,
  reject: async (id: string, note?: string) =>
    (await request<TaskRecord>(`${taskPath(id)}/reject`, { method: 'POST', body: JSON.stringify(note ? { note } : {}) })).data,
  approvals: async (signal?: AbortSignal) => (await request<ApprovalItem[]>('/approvals', { signal })).data,
  /** Who a token signs in; `bearer` checks a token before it is stored. */
  me: async (bearer?: string) => (await request<Me>('/me', { bearer })).data,
  batch: async (id: string, signal?: AbortSignal) => (await request<BatchSummary>(`/batches/${encodeURIComponent(id)}`, { signal })).data,
  abortBatch: async (id: string) => (await request<{ job_id: string }>(`/batches/${encodeURIComponent(id)}/abort`, { method: 'POST' })).data,
  bulk: async (action: 'abort' | 'retry', target: { ids: string[] } | { filter: Record<string, string | string[]> }) =>
    (await request<BulkOutcome>(`/tasks/bulk/${action}`, { method: 'POST', body: JSON.stringify(target) })).data,
  retry: async (id: string) => (await request<TaskRecord>(`${taskPath(id)}/retry`, { method: 'POST' })).data,
  /** `GET /graph?<query>`: pipeline, batch or task (with depth), and within_hours. */
  graph: async (query: string, signal?: AbortSignal) => (await request<TaskGraph>(`/graph?${query}`, { signal })).data,
  pipelines: async (signal?: AbortSignal) => (await request<PipelineSummary[]>('/pipelines', { signal })).data,
  pipeline: async (id: string, signal?: AbortSignal) => (await request<PipelineDetail>(`/pipelines/${encodeURIComponent(id)}`, { signal })).data,
  abortPipeline: async (id: string) => (await request<PipelineDetail>(`/pipelines/${encodeURIComponent(id)}/abort`, { method: 'POST' })).data,
  logPage: async (id: string, stream: LogStream, page: number, signal?: AbortSignal) =>
    (await request<LogPage>(`${taskPath(id)}/logs?stream=${stream}&page=${page}`, { signal })).data,
  logSearch: async (id: string, stream: LogStream, q: string, signal?: AbortSignal) =>
    (await request<LogSearch>(`${taskPath(id)}/logs/search?${new URLSearchParams({ stream, q, limit: '10000' })}`, { signal })).data,
};

export const logDownloadUrl = (id: string, stream: LogStream) => withToken(`${taskPath(id)}/logs/download?stream=${stream}`);
export const logFollowUrl = (id: string, stream: LogStream, from: number) => withToken(`${taskPath(id)}/logs/follow?stream=${stream}&from=${from}`);
