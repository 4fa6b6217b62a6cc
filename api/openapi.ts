import { z } from 'zod';
import { TASK_TYPES, isExclusive } from '../core';
import { approvalBody, logFollowQuery, logPageQuery, logSearchQuery, logStreamQuery, startTaskBody } from './schemas';
import { batchBody, bulkBody } from './batchService';
import { pipelineBody } from './pipelineService';
import { graphQuery } from './routes/graph';
import { listTasksQuery } from './taskQuery';
import { taskRecordSchema } from './taskRecord';

type JsonSchema = Record<string, unknown>;

const schema = (s: z.ZodType): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

/** Query parameters of an operation, one per property of its zod object schema. */
function queryParameters(s: z.ZodObject): JsonSchema[] {
  const json = schema(s) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
    description: property.description,
  }));
}

const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const error = { description: 'Error naming the field at fault', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const json = (ref: string, description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});
const sse = (description: string) => ({ description, content: { 'text/event-stream': { schema: { type: 'string' } } } });

/** The OpenAPI document, generated from the same zod schemas that validate requests. */
export function openApiDocument(): JsonSchema {
  return {
    openapi: '3.1.0',
    info: { title: 'Taskdeck API', version: '0.1.0', description: 'Background tasks as Temporal workflows.' },
    // Only when authentication is on (TASKDECK_AUTH_TOKENS / TASKDECK_AUTH_FILE): 401 without or
    // with an unknown token, 403 when the role may not act. /healthz needs none.
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'EventSource and download links may pass it as ?access_token= on /events and the log follow/download routes' },
      },
      schemas: {
        Task: schema(taskRecordSchema),
        StartTask: schema(startTaskBody),
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: { type: 'string' },
            field: { type: 'string' },
            issues: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
        ...Object.fromEntries(Object.values(TASK_TYPES).map((t) => [`Input_${t.id}`, schema(t.input)])),
      },
    },
    paths: {
      '/tasks': {
        get: {
          summary: 'List tasks of the last 14 days, newest first',
          parameters: queryParameters(listTasksQuery),
          responses: {
            200: {
              description: 'Tasks; the total matching count is in X-Total-Count',
              headers: { 'X-Total-Count': { schema: { type: 'integer' } } },
              content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Task' } } } },
            },
            400: error,
          },
        },
        post: {
          summary: 'Start a task; input is validated against the type (see Input_<type>)',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/StartTask' } } } },
          responses: {
            201: json('Task', 'The started task'),
            400: error,
            409: json('Error', 'The dataset is blocked by the concurrency rules; `holder` names the task holding it'),
          },
        },
      },
      '/tasks/{id}': {
        get: {
          summary: 'One task: input, lifecycle timeline, progress, error, result, retries',
          parameters: [idParameter],
          responses: { 200: { description: 'The task' }, 404: error },
        },
      },
      '/tasks/{id}/abort': {
        post: { summary: 'Abort an unfinished task', parameters: [idParameter], responses: { 202: json('Task', 'Abort requested'), 403: error, 404: error, 409: error } },
      },
      '/me': {
        get: { summary: 'Who the token signs in: `{auth, user, role}`; all null with authentication off', responses: { 200: { description: 'The caller' }, 401: error } },
      },
      '/tasks/{id}/kill': {
        post: { summary: 'Kill: the same as abort', parameters: [idParameter], responses: { 202: json('Task', 'Abort requested'), 403: error, 404: error, 409: error } },
      },
      '/tasks/{id}/pause': {
        post: {
          summary: 'Pause an initializing or running task: a command is stopped with SIGSTOP, other types wait at their next step',
          parameters: [idParameter],
          responses: { 200: json('Task', 'The paused task'), 403: error, 404: error, 409: error },
        },
      },
      '/tasks/{id}/resume': {
        post: { summary: 'Resume a paused task where it stopped', parameters: [idParameter], responses: { 200: json('Task', 'The resumed task'), 403: error, 404: error, 409: error } },
      },
      '/tasks/{id}/approve': {
        post: {
          summary: 'Approve a task in pending_approval (operator or admin): it goes on',
          parameters: [idParameter],
          requestBody: { content: { 'application/json': { schema: schema(approvalBody) } } },
          responses: { 200: json('Task', 'The approved task, now pending'), 400: error, 403: error, 404: error, 409: error },
        },
      },
      '/tasks/{id}/reject': {
        post: {
          summary: 'Reject a task in pending_approval (operator or admin): it ends rejected; `note` says why',
          parameters: [idParameter],
          requestBody: { content: { 'application/json': { schema: schema(approvalBody) } } },
          responses: { 200: json('Task', 'The rejected task'), 400: error, 403: error, 404: error, 409: error },
        },
      },
      '/batches': {
        post: {
          summary: 'Start many tasks under one batch id (each task as POST /tasks takes it); tasks that cannot start are listed in `failed`',
          requestBody: { required: true, content: { 'application/json': { schema: schema(batchBody) } } },
          responses: { 201: { description: '`{id, tasks, failed}`' }, 400: error, 401: error, 403: error },
        },
      },
      '/batches/{id}': {
        get: { summary: "A batch's overall progress, a count for each status, and its tasks", parameters: [idParameter], responses: { 200: { description: '`{id, total, progress, counts, finished, tasks}`' }, 404: error } },
      },
      '/batches/{id}/abort': {
        post: { summary: 'Abort every unfinished task of the batch (a Temporal batch operation; a user aborts only its own)', parameters: [idParameter], responses: { 202: { description: '`{batch_id, job_id, query}`' }, 404: error } },
      },
      '/tasks/bulk/abort': {
        post: {
          summary: 'Abort the listed tasks (`ids`) or every task matching `filter` (the GET /tasks query), in one Temporal batch operation',
          requestBody: { required: true, content: { 'application/json': { schema: schema(bulkBody) } } },
          responses: { 202: { description: '`{accepted, refused, job_id}`; refused tasks carry the status and error each would get alone' }, 400: error },
        },
      },
      '/tasks/bulk/retry': {
        post: {
          summary: 'Retry the listed tasks (`ids`) or every task matching `filter`',
          requestBody: { required: true, content: { 'application/json': { schema: schema(bulkBody) } } },
          responses: { 201: { description: '`{accepted: [{id, retry_id}], refused}`' }, 400: error },
        },
      },
      '/pipelines': {
        get: { summary: 'Pipelines of the last 14 days, newest first, with counts of their tasks per status and overall progress', responses: { 200: { description: 'Pipelines' } } },
        post: {
          summary:
            'Start a pipeline: named tasks (each as POST /tasks takes it, plus a `key`) whose `depends_on` lists keys of other tasks of the pipeline. It runs as a parent workflow of the task workflows; a task waits for its upstream tasks and ends upstream_failed when one does not complete',
          requestBody: { required: true, content: { 'application/json': { schema: schema(pipelineBody) } } },
          responses: { 201: { description: 'The pipeline with each key\'s task id and the edges' }, 400: json('Error', 'A bad task, an unknown or repeated key, or a cycle, named'), 403: error },
        },
      },
      '/pipelines/{id}': {
        get: { summary: 'One pipeline: status, counts per status, progress, its tasks by key and its edges', parameters: [idParameter], responses: { 200: { description: 'The pipeline' }, 404: error } },
      },
      '/pipelines/{id}/abort': {
        post: { summary: 'Abort a running pipeline: every unfinished task of it is aborted', parameters: [idParameter], responses: { 202: { description: 'Abort requested' }, 403: error, 404: error, 409: error } },
      },
      '/graph': {
        get: {
          summary:
            'The dependency graph of a pipeline, a batch or a task\'s neighbourhood (or of every linked task): nodes with status, progress, timing and what failed upstream blocks them; edges (depends_on, and triggered_by for follow-ups the system starts); and the critical path, the chain with the longest total duration',
          parameters: queryParameters(graphQuery),
          responses: { 200: { description: '`{nodes, edges, critical_path, truncated}`' }, 400: error, 404: error },
        },
      },
      '/approvals': {
        get: { summary: 'Tasks waiting in pending_approval, oldest first, each with its input and resources', responses: { 200: { description: 'The approval queue' } } },
      },
      '/tasks/{id}/retry': {
        post: { summary: 'Start a new task with the same input', parameters: [idParameter], responses: { 201: json('Task', 'The new task'), 403: error, 404: error, 409: error } },
      },
      '/tasks/{id}/logs': {
        get: { summary: 'A page of 500 log lines with line counts', parameters: [idParameter, ...queryParameters(logPageQuery)], responses: { 200: { description: 'Log page' }, 400: error, 404: error } },
      },
      '/tasks/{id}/logs/search': {
        get: { summary: 'Numbers of the log lines containing `q` (case-insensitive), over the whole log', parameters: [idParameter, ...queryParameters(logSearchQuery)], responses: { 200: { description: 'Matching line numbers' }, 400: error, 404: error } },
      },
      '/tasks/{id}/logs/download': {
        get: { summary: 'The whole log file', parameters: [idParameter, ...queryParameters(logStreamQuery)], responses: { 200: { description: 'text/plain attachment' }, 404: error } },
      },
      '/tasks/{id}/logs/follow': {
        get: { summary: 'New log lines while the task runs (`lines` events, then `end`)', parameters: [idParameter, ...queryParameters(logFollowQuery)], responses: { 200: sse('Log lines'), 404: error } },
      },
      '/datasets': {
        get: { summary: 'Datasets with their status (ready, read_only, partial_index), the tasks modifying them, and their recent tasks', responses: { 200: { description: 'Datasets' } } },
      },
      '/datasets/{id}': {
        get: {
          summary: 'One dataset: status, counts, its tasks, snapshots and models',
          parameters: [idParameter],
          responses: { 200: { description: 'The dataset' }, 400: error, 404: error },
        },
      },
      '/datasets/{id}/enrichment/retry': {
        post: {
          summary: "Retry the dataset's last failed or aborted enrichment",
          parameters: [idParameter],
          responses: { 201: json('Task', 'The new enrichment task'), 403: error, 404: error, 409: error },
        },
      },
      '/events': { get: { summary: 'Task changes as server-sent `task` events', responses: { 200: sse('Task changes') } } },
      '/task-types': { get: { summary: 'The task-type catalog with each input as JSON Schema', responses: { 200: { description: 'Task types' } } } },
      '/config': { get: { summary: 'Deployment facts the web app needs: the Temporal Web UI link template (`{id}`, `{run_id}`), or null', responses: { 200: { description: 'Config' } } } },
      '/healthz': { get: { summary: 'Liveness and Temporal reachability', responses: { 200: { description: 'Healthy' }, 503: { description: 'Temporal unreachable' } } } },
    },
  };
}

export function taskTypeCatalog() {
  return Object.values(TASK_TYPES).map((t) => ({
    id: t.id,
    label: t.label,
    description: t.description,
    modifies_data: isExclusive(t.access),
    dataset_access: t.access,
    dataset: t.dataset,
    resource: t.resource,
    alias_of: 'aliasOf' in t ? t.aliasOf : null,
    input_schema: schema(t.input),
  }));
}
