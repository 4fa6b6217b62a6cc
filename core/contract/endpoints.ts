/**
 * Every operation of the HTTP API: its method, its path (Express syntax) and how a caller
 * authenticates. This is the one place a route's address is written; `routes.ts` adds its
 * schemas, the API mounts it, the OpenAPI document and the web client are built from it. Without
 * zod, so the web app can import it at runtime and stay light.
 *
 * `auth`: `public` needs no token (liveness probes); `token` needs `Authorization: Bearer` when
 * authentication is on; `token-or-query` also takes `?access_token=`, for what a browser opens
 * without being able to set a header (EventSource, a download link).
 */
export const ENDPOINTS = {
  listTasks: { method: 'get', path: '/tasks', auth: 'token' },
  startTask: { method: 'post', path: '/tasks', auth: 'token' },
  bulkAbort: { method: 'post', path: '/tasks/bulk/abort', auth: 'token' },
  bulkRetry: { method: 'post', path: '/tasks/bulk/retry', auth: 'token' },
  getTask: { method: 'get', path: '/tasks/:id', auth: 'token' },
  abortTask: { method: 'post', path: '/tasks/:id/abort', auth: 'token' },
  killTask: { method: 'post', path: '/tasks/:id/kill', auth: 'token' },
  pauseTask: { method: 'post', path: '/tasks/:id/pause', auth: 'token' },
  resumeTask: { method: 'post', path: '/tasks/:id/resume', auth: 'token' },
  approveTask: { method: 'post', path: '/tasks/:id/approve', auth: 'token' },
  rejectTask: { method: 'post', path: '/tasks/:id/reject', auth: 'token' },
  retryTask: { method: 'post', path: '/tasks/:id/retry', auth: 'token' },
  taskLogs: { method: 'get', path: '/tasks/:id/logs', auth: 'token' },
  searchLogs: { method: 'get', path: '/tasks/:id/logs/search', auth: 'token' },
  downloadLogs: { method: 'get', path: '/tasks/:id/logs/download', auth: 'token-or-query' },
  followLogs: { method: 'get', path: '/tasks/:id/logs/follow', auth: 'token-or-query' },
  listApprovals: { method: 'get', path: '/approvals', auth: 'token' },
  listBatches: { method: 'get', path: '/batches', auth: 'token' },
  startBatch: { method: 'post', path: '/batches', auth: 'token' },
  getBatch: { method: 'get', path: '/batches/:id', auth: 'token' },
  abortBatch: { method: 'post', path: '/batches/:id/abort', auth: 'token' },
  listPipelines: { method: 'get', path: '/pipelines', auth: 'token' },
  startPipeline: { method: 'post', path: '/pipelines', auth: 'token' },
  getPipeline: { method: 'get', path: '/pipelines/:id', auth: 'token' },
  abortPipeline: { method: 'post', path: '/pipelines/:id/abort', auth: 'token' },
  listSchedules: { method: 'get', path: '/schedules', auth: 'token' },
  createSchedule: { method: 'post', path: '/schedules', auth: 'token' },
  getSchedule: { method: 'get', path: '/schedules/:id', auth: 'token' },
  updateSchedule: { method: 'put', path: '/schedules/:id', auth: 'token' },
  deleteSchedule: { method: 'delete', path: '/schedules/:id', auth: 'token' },
  pauseSchedule: { method: 'post', path: '/schedules/:id/pause', auth: 'token' },
  unpauseSchedule: { method: 'post', path: '/schedules/:id/unpause', auth: 'token' },
  triggerSchedule: { method: 'post', path: '/schedules/:id/trigger', auth: 'token' },
  getGraph: { method: 'get', path: '/graph', auth: 'token' },
  listDatasets: { method: 'get', path: '/datasets', auth: 'token' },
  getDataset: { method: 'get', path: '/datasets/:id', auth: 'token' },
  retryEnrichment: { method: 'post', path: '/datasets/:id/enrichment/retry', auth: 'token' },
  listNodes: { method: 'get', path: '/nodes', auth: 'token' },
  getNode: { method: 'get', path: '/nodes/:name', auth: 'token' },
  events: { method: 'get', path: '/events', auth: 'token-or-query' },
  taskTypes: { method: 'get', path: '/task-types', auth: 'token' },
  config: { method: 'get', path: '/config', auth: 'token' },
  me: { method: 'get', path: '/me', auth: 'token' },
  openapi: { method: 'get', path: '/openapi.json', auth: 'token' },
  health: { method: 'get', path: '/healthz', auth: 'public' },
  codecDecode: { method: 'post', path: '/codec/decode', auth: 'token' },
} as const satisfies Record<string, Endpoint>;

export interface Endpoint {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  auth: 'public' | 'token' | 'token-or-query';
}

export type EndpointName = keyof typeof ENDPOINTS;

/** The path parameters a path names (`/tasks/:id` → `id`). */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name | keyof PathParams<`/${Rest}`>]: string }
  : P extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : Record<never, never>;

/** A path with its parameters filled in, each encoded as one segment. */
export function fillPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/:([A-Za-z_]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${path}: no value for :${name}`);
    return encodeURIComponent(value);
  });
}

/** The OpenAPI form of a path (`/tasks/{id}`). */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z_]+)/g, '{$1}');

/** Which endpoint a method and a concrete path are, or undefined. */
export function matchEndpoint(method: string, pathname: string): EndpointName | undefined {
  const wanted = method.toLowerCase();
  // As the router matches: one trailing slash makes no difference (`/tasks/` is `/tasks`).
  const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  let best: { name: EndpointName; params: number } | undefined;
  for (const [name, endpoint] of Object.entries(ENDPOINTS) as [EndpointName, Endpoint][]) {
    if (endpoint.method !== wanted) continue;
    const pattern = new RegExp(`^${endpoint.path.replace(/:[A-Za-z_]+/g, '[^/]+')}$`);
    if (!pattern.test(path)) continue;
    // A literal segment wins over a parameter (`/tasks/bulk/abort` over `/tasks/:id/abort`), as in the router.
    const params = (endpoint.path.match(/:/g) ?? []).length;
    if (!best || params < best.params) best = { name, params };
  }
  return best?.name;
}
