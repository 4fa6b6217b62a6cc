import { ENDPOINTS, fillPath, type EndpointName } from '../../../core/contract/endpoints';
import type { RequestBodyOf, ResponseOf } from '../../../core/contract/routes';
import { UNAUTHORIZED_EVENT, signOut, token, withToken } from './session';
import type { ApiErrorBody, LogStream } from './types';

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

interface CallOptions<K extends EndpointName> {
  params?: Record<string, string>;
  query?: URLSearchParams | Record<string, string>;
  body?: RequestBodyOf<K>;
  signal?: AbortSignal;
  /** Checks a token before it is stored (sign-in); a 401 then does not sign out. */
  bearer?: string;
}

/**
 * Calls one route of the contract: its method and path come from the contract, and so do the
 * types of what is sent and received.
 */
export async function call<K extends EndpointName>(name: K, options: CallOptions<K> = {}): Promise<{ data: ResponseOf<K>; headers: Headers }> {
  const endpoint = ENDPOINTS[name];
  const query = options.query ? new URLSearchParams(options.query).toString() : '';
  const bearer = options.bearer ?? token();
  const res = await fetch(fillPath(endpoint.path, options.params) + (query ? `?${query}` : ''), {
    method: endpoint.method.toUpperCase(),
    signal: options.signal,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    headers: {
      accept: 'application/json',
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
    },
  });
  const text = await res.text();
  const body: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const error = body && typeof body === 'object' && 'error' in body ? (body as ApiErrorBody) : { error: `${res.status} ${res.statusText}` };
    // A token that is missing or no longer valid sends the user to the sign-in page.
    if (res.status === 401 && options.bearer === undefined) {
      signOut();
      window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    }
    throw new ApiError(res.status, error);
  }
  return { data: body as ResponseOf<K>, headers: res.headers };
}

export type StartTaskBody = RequestBodyOf<'startTask'>;

const data = async <K extends EndpointName>(name: K, options?: CallOptions<K>): Promise<ResponseOf<K>> => (await call(name, options)).data;
const task = (id: string) => ({ params: { id } });

export const api = {
  async listTasks(query: URLSearchParams, signal?: AbortSignal) {
    const { data: items, headers } = await call('listTasks', { query, signal });
    return { items, total: Number(headers.get('X-Total-Count') ?? items.length) };
  },
  task: (id: string, signal?: AbortSignal) => data('getTask', { ...task(id), signal }),
  taskTypes: (signal?: AbortSignal) => data('taskTypes', { signal }),
  datasets: (signal?: AbortSignal) => data('listDatasets', { signal }),
  dataset: (id: string, signal?: AbortSignal) => data('getDataset', { ...task(id), signal }),
  nodes: (signal?: AbortSignal) => data('listNodes', { signal }),
  config: (signal?: AbortSignal) => data('config', { signal }),
  start: (body: RequestBodyOf<'startTask'>) => data('startTask', { body }),
  abort: (id: string) => data('abortTask', task(id)),
  pause: (id: string) => data('pauseTask', task(id)),
  resume: (id: string) => data('resumeTask', task(id)),
  approve: (id: string) => data('approveTask', { ...task(id), body: {} }),
  reject: (id: string, note?: string) => data('rejectTask', { ...task(id), body: note ? { note } : {} }),
  approvals: (signal?: AbortSignal) => data('listApprovals', { signal }),
  /** Who a token signs in; `bearer` checks a token before it is stored. */
  me: (bearer?: string, signal?: AbortSignal) => data('me', { bearer, signal }),
  batches: (signal?: AbortSignal) => data('listBatches', { signal }),
  batch: (id: string, signal?: AbortSignal) => data('getBatch', { ...task(id), signal }),
  abortBatch: (id: string) => data('abortBatch', task(id)),
  bulk: (action: 'abort' | 'retry', target: RequestBodyOf<'bulkAbort'>) => data(action === 'abort' ? 'bulkAbort' : 'bulkRetry', { body: target }),
  retry: (id: string) => data('retryTask', task(id)),
  /** `GET /graph?<query>`: pipeline, batch or task (with depth), and within_hours. */
  graph: (query: string, signal?: AbortSignal) => data('getGraph', { query: new URLSearchParams(query), signal }),
  pipelines: (signal?: AbortSignal) => data('listPipelines', { signal }),
  pipeline: (id: string, signal?: AbortSignal) => data('getPipeline', { ...task(id), signal }),
  abortPipeline: (id: string) => data('abortPipeline', task(id)),
  schedules: (signal?: AbortSignal) => data('listSchedules', { signal }),
  schedule: (id: string, signal?: AbortSignal) => data('getSchedule', { ...task(id), signal }),
  createSchedule: (body: RequestBodyOf<'createSchedule'>) => data('createSchedule', { body }),
  updateSchedule: (id: string, body: RequestBodyOf<'updateSchedule'>) => data('updateSchedule', { ...task(id), body }),
  deleteSchedule: (id: string) => data('deleteSchedule', task(id)),
  pauseSchedule: (id: string, note?: string) => data('pauseSchedule', { ...task(id), body: note ? { note } : {} }),
  unpauseSchedule: (id: string, note?: string) => data('unpauseSchedule', { ...task(id), body: note ? { note } : {} }),
  triggerSchedule: (id: string) => data('triggerSchedule', task(id)),
  logPage: (id: string, stream: LogStream, page: number, signal?: AbortSignal) =>
    data('taskLogs', { ...task(id), query: { stream, page: String(page) }, signal }),
  logSearch: (id: string, stream: LogStream, q: string, signal?: AbortSignal) =>
    data('searchLogs', { ...task(id), query: { stream, q, limit: '10000' }, signal }),
};

/** Links a browser opens itself (a download, an EventSource): they carry the token in the query. */
export const logDownloadUrl = (id: string, stream: LogStream) => withToken(`${fillPath(ENDPOINTS.downloadLogs.path, { id })}?stream=${stream}`);
export const logFollowUrl = (id: string, stream: LogStream, from: number) => withToken(`${fillPath(ENDPOINTS.followLogs.path, { id })}?stream=${stream}&from=${from}`);
export const eventsUrl = () => withToken(ENDPOINTS.events.path);
