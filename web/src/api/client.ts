import type { ApiErrorBody, DatasetSummary, LogPage, LogSearch, LogStream, TaskDetail, TaskRecord, TaskType, UiConfig } from './types';

/** A 4xx/5xx answer of the API, with its `{ error, field, issues }` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.error);
  }
}

async function request<T>(path: string, init?: RequestInit): Promise<{ data: T; headers: Headers }> {
  const res = await fetch(path, { ...init, headers: { accept: 'application/json', ...(init?.body ? { 'content-type': 'application/json' } : {}) } });
  const text = await res.text();
  const body: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const error = body && typeof body === 'object' && 'error' in body ? (body as ApiErrorBody) : { error: `${res.status} ${res.statusText}` };
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
  retry: async (id: string) => (await request<TaskRecord>(`${taskPath(id)}/retry`, { method: 'POST' })).data,
  logPage: async (id: string, stream: LogStream, page: number, signal?: AbortSignal) =>
    (await request<LogPage>(`${taskPath(id)}/logs?stream=${stream}&page=${page}`, { signal })).data,
  logSearch: async (id: string, stream: LogStream, q: string, signal?: AbortSignal) =>
    (await request<LogSearch>(`${taskPath(id)}/logs/search?${new URLSearchParams({ stream, q, limit: '10000' })}`, { signal })).data,
};

export const logDownloadUrl = (id: string, stream: LogStream) => `${taskPath(id)}/logs/download?stream=${stream}`;
export const logFollowUrl = (id: string, stream: LogStream, from: number) => `${taskPath(id)}/logs/follow?stream=${stream}&from=${from}`;
