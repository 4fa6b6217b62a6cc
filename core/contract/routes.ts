import { z } from 'zod';
import { batchAborted, batchBody, batchList, batchStarted, batchSummary, bulkBody, bulkOutcome } from './batches';
import { codecPayloads } from './codec';
import { idParams } from './common';
import { datasetDetail, datasetParams, datasetSummary } from './datasets';
import { ENDPOINTS, type Endpoint, type EndpointName } from './endpoints';
import { graphQuery, taskGraph } from './graph';
import { logFollowEvents, logFollowQuery, logPage, logPageQuery, logSearch, logSearchQuery, logStreamQuery } from './logs';
import { health, me, taskEvents, taskTypeInfo, uiConfig } from './meta';
import { nodeInfo, nodeParams } from './nodes';
import { pipelineAborted, pipelineBody, pipelineDetail, pipelineSummary } from './pipelines';
import {
  listSchedulesQuery,
  scheduleBody,
  scheduleDeleted,
  scheduleDetail,
  scheduleNoteBody,
  scheduleParams,
  scheduleSummary,
  scheduleTriggered,
  scheduleUpdateBody,
} from './schedules';
import { abortAnswer, approvalBody, approvalItem, listTasksQuery, startTaskBody, taskDetail, taskRecord } from './tasks';

/** A success answer: a JSON body, a stream of server-sent events, or a file. */
export type Reply =
  | { description: string; json: z.ZodType; headers?: Record<string, { description: string; schema: Record<string, unknown> }> }
  | { description: string; events: Record<string, z.ZodType> }
  | { description: string; file: 'text/plain' };

/** Errors a route gives besides those every route of its kind gives (see openapi.ts). */
export type RouteErrors = Partial<Record<400 | 403 | 404 | 409, string>>;

export interface RouteSpec {
  summary: string;
  description?: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Success answers by status. */
  replies: Record<number, Reply>;
  errors?: RouteErrors;
  /** The route reads Temporal or the task index loaded from it: it answers 503 while Temporal does not. */
  temporal?: boolean;
}

export type Route = Endpoint & RouteSpec & { name: EndpointName };

const route = <S extends RouteSpec>(spec: S) => spec;

const taskParams = idParams.describe('Task id (the workflow id)');
const task = (description: string) => ({ description, json: taskRecord });
const abortErrors: RouteErrors = { 403: 'The role may not act on this task', 404: 'No such task', 409: 'The task already finished' };
const sse = <E extends Record<string, z.ZodType>>(description: string, events: E) => ({ description, events });

/**
 * The HTTP contract: every route with its request and answer schemas. The API mounts these, the
 * OpenAPI document and the web client's types are made from them, and the integration tests check
 * every answer against them.
 */
export const ROUTE_SPECS = {
  listTasks: route({
    summary: 'List tasks of the last 14 days, newest first, filtered and sorted',
    description: 'The contract of the Vectorize `/tasks` endpoint (limit, offset, within_hours, task_type, status, tag) plus the filters of the other task tables.',
    query: listTasksQuery,
    replies: {
      200: {
        description: 'A page of tasks; the total matching count is in X-Total-Count',
        json: z.array(taskRecord),
        headers: { 'X-Total-Count': { description: 'Tasks matching the filter, over all pages', schema: { type: 'integer', minimum: 0 } } },
      },
    },
  }),
  startTask: route({
    summary: 'Start a task',
    description: "The body is a union keyed by `type`; `input` is that type's `Input_<type>` schema.",
    body: startTaskBody,
    replies: { 201: task('The started task') },
    errors: {
      400: 'Bad input, a depends_on entry that names no task, an unknown target node, or resources no node has: `field` names it',
      403: 'A user may start tasks only as itself',
      409: 'The dataset is blocked by the concurrency rules (`holder` names the task holding it), the dataset a task would create already exists (`field` names dataset_id or input.new_dataset_id), or the target node is down',
    },
  }),
  bulkAbort: route({
    summary: 'Abort the listed tasks (`ids`) or every task matching `filter` (the GET /tasks query), in one Temporal batch operation',
    body: bulkBody,
    replies: { 202: { description: 'What was accepted and refused, each refusal with the status and reason it would have had alone', json: bulkOutcome } },
    errors: { 400: 'Bad input, a filter that narrows nothing without `all: true`, or one that matches more than 1,000 tasks' },
  }),
  bulkRetry: route({
    summary: 'Retry the listed tasks (`ids`) or every task matching `filter`, in a background task',
    description:
      'Answers at once: the tasks that may be retried are `accepted` and retried by a background task (`job_id`, a task of type `taskdeck_bulk_retry` listed like any other, with its progress; its result lists each `retry_id`); the others are `refused` with their reason.',
    body: bulkBody,
    replies: { 202: { description: 'The background task retrying the accepted tasks (`job_id`) and the refusals', json: bulkOutcome } },
    errors: { 400: 'Bad input, a filter that narrows nothing without `all: true`, or one that matches more than 1,000 tasks' },
  }),
  getTask: route({
    summary: 'One task: input, lifecycle timeline, progress, error, result, retries',
    params: taskParams,
    replies: { 200: { description: 'The task', json: taskDetail } },
    errors: { 404: 'No such task' },
  }),
  abortTask: route({
    summary: 'Abort an unfinished task (Temporal cancellation)',
    params: taskParams,
    replies: { 202: { description: 'Abort requested', json: abortAnswer } },
    errors: abortErrors,
  }),
  killTask: route({
    summary: 'Kill: the same as abort',
    params: taskParams,
    replies: { 202: { description: 'Abort requested', json: abortAnswer } },
    errors: abortErrors,
  }),
  pauseTask: route({
    summary: 'Pause an initializing or running task: a command is stopped with SIGSTOP, other types wait at their next step',
    params: taskParams,
    replies: { 200: task('The paused task') },
    errors: { ...abortErrors, 409: 'The task is not initializing or running' },
  }),
  resumeTask: route({
    summary: 'Resume a paused task where it stopped',
    params: taskParams,
    replies: { 200: task('The resumed task') },
    errors: { ...abortErrors, 409: 'The task is not paused' },
  }),
  approveTask: route({
    summary: 'Approve a task in pending_approval (operator or admin): it goes on',
    params: taskParams,
    body: approvalBody,
    replies: { 200: task('The approved task, now pending') },
    errors: { 403: 'Only an operator or admin approves', 404: 'No such task', 409: 'The task is not pending approval' },
  }),
  rejectTask: route({
    summary: 'Reject a task in pending_approval (operator or admin): it ends rejected; `note` says why',
    params: taskParams,
    body: approvalBody,
    replies: { 200: task('The rejected task') },
    errors: { 403: 'Only an operator or admin rejects', 404: 'No such task', 409: 'The task is not pending approval' },
  }),
  retryTask: route({
    summary: 'Start a new task with the same type, input and labels, linked to this one',
    params: taskParams,
    replies: { 201: task('The new task') },
    errors: { ...abortErrors, 409: 'The task is still running, its type cannot be started here, or its dataset is busy' },
  }),
  taskLogs: route({
    summary: 'A page of 500 log lines, with the line counts of both streams',
    params: taskParams,
    query: logPageQuery,
    replies: { 200: { description: 'The page', json: logPage } },
    errors: { 403: "A user reads only its own tasks' logs", 404: 'No such task' },
  }),
  searchLogs: route({
    summary: 'Numbers of the log lines containing `q` (case-insensitive), over the whole log',
    params: taskParams,
    query: logSearchQuery,
    replies: { 200: { description: 'The matching lines', json: logSearch } },
    errors: { 403: "A user reads only its own tasks' logs", 404: 'No such task' },
  }),
  downloadLogs: route({
    summary: 'The whole log file, as an attachment',
    params: taskParams,
    query: logStreamQuery,
    replies: { 200: { description: 'The log (empty when the task wrote nothing)', file: 'text/plain' } },
    errors: { 403: "A user reads only its own tasks' logs", 404: 'No such task' },
  }),
  followLogs: route({
    summary: 'New log lines while the task runs: `lines` events, then one `end` once it finished and every line was sent',
    params: taskParams,
    query: logFollowQuery,
    replies: { 200: sse('The log lines, as server-sent events', logFollowEvents) },
    errors: { 403: "A user reads only its own tasks' logs", 404: 'No such task' },
  }),
  listApprovals: route({
    summary: 'Tasks waiting in pending_approval, oldest first, each with its input and resources',
    replies: { 200: { description: 'The approval queue', json: z.array(approvalItem) } },
    errors: { 403: 'The approval queue is for operators and admins' },
  }),
  listBatches: route({
    summary: 'Batches of the last 14 days, newest first: status, counts of their tasks per status, how many finished, and progress (work done)',
    replies: { 200: { description: 'The batches', json: batchList } },
  }),
  startBatch: route({
    summary: 'Start many tasks under one batch id, each as POST /tasks takes it; tasks that cannot start are listed in `failed`',
    body: batchBody,
    replies: { 201: { description: 'The batch id, its started tasks and its refused ones', json: batchStarted } },
    errors: { 400: 'Bad input in a task, or a depends_on entry that names no task: `field` names it', 403: 'A user may start tasks only as itself' },
  }),
  getBatch: route({
    summary: "A batch's overall progress (work done), a count for each status, and its tasks",
    params: idParams.describe('Batch id'),
    replies: { 200: { description: 'The batch', json: batchSummary } },
    errors: { 404: 'No such batch' },
  }),
  abortBatch: route({
    summary: 'Abort every unfinished task of the batch (a Temporal batch operation; a user aborts only its own)',
    params: idParams.describe('Batch id'),
    replies: { 202: { description: 'The batch operation started', json: batchAborted } },
    errors: { 404: 'No such batch' },
  }),
  listPipelines: route({
    summary: 'Pipelines of the last 14 days, newest first, with counts of their tasks per status and overall progress (work done)',
    replies: { 200: { description: 'The pipelines', json: z.array(pipelineSummary) } },
  }),
  startPipeline: route({
    summary: 'Start a pipeline: named tasks whose `depends_on` lists keys of other tasks of the pipeline',
    description:
      'Each task as POST /tasks takes it, plus a `key`. It runs as a parent workflow of the task workflows; a task waits for its upstream tasks and ends upstream_failed when one does not complete. A bad task, an unknown or repeated key, or a cycle is a 400 naming it.',
    body: pipelineBody,
    replies: { 201: { description: "The pipeline with each key's task id and the edges", json: pipelineDetail } },
    errors: {
      400: 'A bad task, an unknown or repeated key, or a cycle: `field` names it',
      403: 'A user may start tasks only as itself',
      409: 'A task would create a dataset that already exists: `field` names it (tasks.<i>.dataset_id or tasks.<i>.input.new_dataset_id)',
    },
  }),
  getPipeline: route({
    summary: 'One pipeline: status, counts per status, progress, its tasks by key and its edges',
    params: idParams.describe('Pipeline id'),
    replies: { 200: { description: 'The pipeline', json: pipelineDetail } },
    errors: { 404: 'No such pipeline' },
  }),
  abortPipeline: route({
    summary: 'Abort a running pipeline: every unfinished task of it is aborted',
    params: idParams.describe('Pipeline id'),
    replies: { 202: { description: 'Abort requested', json: pipelineAborted } },
    errors: { 403: 'A user may abort only its own pipelines', 404: 'No such pipeline', 409: 'The pipeline already ended' },
  }),
  listSchedules: route({
    summary: 'Schedules (Temporal Schedules whose runs are Taskdeck tasks or pipelines), with state, next runs and the last run',
    description: 'Also those made outside Taskdeck (`temporal schedule create`) whose action starts a Taskdeck task or pipeline workflow.',
    query: listSchedulesQuery,
    replies: { 200: { description: 'The schedules, by group then name', json: z.array(scheduleSummary) } },
  }),
  createSchedule: route({
    summary: 'Create a schedule: a task or a pipeline run on a cron expression or an interval, as a Temporal Schedule',
    body: scheduleBody,
    replies: { 201: { description: 'The schedule', json: scheduleDetail } },
    errors: {
      400: 'A malformed cron expression, an unknown time zone, an interval under a second, no task, or a bad task: `field` names it',
      403: 'A user may create schedules only as itself',
      409: 'A schedule with this id exists',
    },
  }),
  getSchedule: route({
    summary: 'One schedule: its definition, state, next run times and recent runs with their status',
    params: scheduleParams,
    replies: { 200: { description: 'The schedule', json: scheduleDetail } },
    errors: { 404: 'No such schedule' },
  }),
  updateSchedule: route({
    summary: 'Edit a schedule: its whole definition again (when, what, policy, state)',
    params: scheduleParams,
    body: scheduleUpdateBody,
    replies: { 200: { description: 'The schedule as it is now', json: scheduleDetail } },
    errors: { 400: 'Bad input: `field` names it', 403: 'A user may edit only its own schedules', 404: 'No such schedule' },
  }),
  deleteSchedule: route({
    summary: 'Delete a schedule; the runs it started stay in the table',
    params: scheduleParams,
    replies: { 200: { description: 'Deleted', json: scheduleDeleted } },
    errors: { 403: 'A user may delete only its own schedules', 404: 'No such schedule' },
  }),
  pauseSchedule: route({
    summary: 'Pause a schedule, with a note saying why; no runs start until it is unpaused',
    params: scheduleParams,
    body: scheduleNoteBody,
    replies: { 200: { description: 'The paused schedule', json: scheduleDetail } },
    errors: { 403: 'A user may pause only its own schedules', 404: 'No such schedule' },
  }),
  unpauseSchedule: route({
    summary: 'Unpause a schedule, with an optional note',
    params: scheduleParams,
    body: scheduleNoteBody,
    replies: { 200: { description: 'The active schedule', json: scheduleDetail } },
    errors: { 403: 'A user may unpause only its own schedules', 404: 'No such schedule' },
  }),
  triggerSchedule: route({
    summary: 'Run the schedule now, whatever its spec, state or overlap policy',
    params: scheduleParams,
    replies: { 202: { description: 'The run was asked for; it lists within a moment', json: scheduleTriggered } },
    errors: { 403: 'A user may trigger only its own schedules', 404: 'No such schedule' },
  }),
  getGraph: route({
    summary: 'The dependency graph of a pipeline, a batch, a task\'s neighbourhood, or every linked task of the window',
    description:
      'Nodes with status, progress, timing and what failed upstream blocks them; edges (depends_on, and triggered_by for follow-ups the system starts); the critical path, the chain with the longest total duration.',
    query: graphQuery,
    replies: { 200: { description: 'The graph', json: taskGraph } },
    errors: { 404: 'The task is not in the 14-day window' },
  }),
  listDatasets: route({
    summary: 'Datasets with their status (ready, read_only, partial_index), the tasks modifying them, and their recent tasks',
    replies: { 200: { description: 'The datasets', json: z.array(datasetSummary) } },
  }),
  getDataset: route({
    summary: 'One dataset: status, counts, its tasks, snapshots and models',
    params: datasetParams,
    replies: { 200: { description: 'The dataset', json: datasetDetail } },
    errors: { 404: 'No such dataset' },
  }),
  retryEnrichment: route({
    summary: "Retry the dataset's last failed or aborted enrichment",
    params: datasetParams,
    replies: { 201: task('The new enrichment task') },
    errors: { 403: 'The role may not retry that task', 404: 'No such dataset, or it never had an enrichment', 409: 'The last enrichment did not fail, or the dataset is busy' },
  }),
  listNodes: route({
    summary: 'The nodes (worker processes) with their cores, memory and GPUs, their health as Temporal knows it, and what their tasks hold',
    replies: { 200: { description: 'The nodes, by name', json: z.array(nodeInfo) } },
  }),
  getNode: route({
    summary: 'One node: health, capacity, load and the tasks running on it',
    params: nodeParams,
    replies: { 200: { description: 'The node', json: nodeInfo } },
    errors: { 404: 'No such node' },
  }),
  events: route({
    summary: 'Every task change, as server-sent `task` events',
    description: 'Reconnect with Last-Event-ID to get what was missed; a `resync` event says to fetch again. Comments keep the stream alive.',
    replies: { 200: sse('Task changes', taskEvents) },
  }),
  taskTypes: route({
    summary: 'The task-type catalog, each input as JSON Schema, and the workflow types the plugin tracks in the window',
    replies: { 200: { description: 'The task types', json: z.array(taskTypeInfo) } },
  }),
  config: route({
    summary: 'Deployment facts the web app needs: the Temporal Web UI link template (`{id}`, `{run_id}`), or null',
    replies: { 200: { description: 'The configuration', json: uiConfig } },
    temporal: false,
  }),
  me: route({
    summary: 'Who the token signs in; all null with authentication off',
    replies: { 200: { description: 'The caller', json: me } },
    temporal: false,
  }),
  openapi: route({
    summary: 'This document',
    replies: { 200: { description: 'OpenAPI 3.1', json: z.record(z.string(), z.unknown()) } },
    temporal: false,
  }),
  health: route({
    summary: 'Liveness and Temporal reachability',
    replies: { 200: { description: 'Healthy', json: health }, 503: { description: 'Temporal does not answer: `temporal` says why', json: health } },
    temporal: false,
  }),
  codecDecode: route({
    summary: "Temporal's remote codec: decrypt payloads, for an operator or admin",
    description:
      'The `/decode` of the remote codec protocol, for `temporal --codec-endpoint <api>/codec --codec-auth "Bearer <token>"` or ' +
      'a Temporal Web UI that can send the token: payloads encrypted by Taskdeck come back decrypted (task environment values ' +
      'in plain text), others as they were. With authentication on, only operators and admins; off, anyone.',
    body: codecPayloads,
    replies: { 200: { description: 'The payloads, decoded', json: codecPayloads } },
    errors: { 400: 'Bad input, or a payload encrypted with a key this API does not have', 403: 'A user may not read task secrets' },
    temporal: false,
  }),
} satisfies Record<EndpointName, RouteSpec>;

export type RouteSpecs = typeof ROUTE_SPECS;

/** Every route with its address, in the order a router must try them (literal segments first). */
export const ROUTES: Route[] = (Object.keys(ENDPOINTS) as EndpointName[]).map((name) => ({ name, ...ENDPOINTS[name], ...(ROUTE_SPECS[name] as RouteSpec) }));

type Spec<K extends EndpointName> = RouteSpecs[K];
type Input<S, F extends string> = S extends { [P in F]: infer T extends z.ZodType } ? z.output<T> : undefined;

/** What a route's handler receives, parsed. */
export type ParamsOf<K extends EndpointName> = Input<Spec<K>, 'params'>;
export type QueryOf<K extends EndpointName> = Input<Spec<K>, 'query'>;
export type BodyOf<K extends EndpointName> = Input<Spec<K>, 'body'>;

/** What a client sends: the schema's input side. Distributes over a union of routes. */
export type RequestBodyOf<K extends EndpointName> = K extends EndpointName ? (Spec<K> extends { body: infer T extends z.ZodType } ? z.input<T> : undefined) : never;

/** A JSON answer of a route: its status and body. */
export type JsonReplyOf<K extends EndpointName> = {
  [S in keyof Spec<K>['replies']]: Spec<K>['replies'][S] extends { json: infer T extends z.ZodType } ? { status: S; body: z.input<T>; headers?: Record<string, string> } : never;
}[keyof Spec<K>['replies']];

/** The body of a route's JSON success answer, as a client receives it. Distributes over a union of routes. */
export type ResponseOf<K extends EndpointName> = K extends EndpointName
  ? {
      [S in keyof Spec<K>['replies']]: Spec<K>['replies'][S] extends { json: infer T extends z.ZodType } ? z.output<T> : never;
    }[keyof Spec<K>['replies']]
  : never;
