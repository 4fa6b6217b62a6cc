import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client, type WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes, arrayFromPayloads, defaultPayloadConverter, mapToPayloads } from '@temporalio/common';
import { encodeUnifiedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import {
  SA,
  STATUS_CODE,
  TASK_TYPES,
  asksForPlacement,
  datasetId,
  isExclusive,
  isFinished,
  maskSecrets,
  approveUpdate,
  newTaskStart,
  pauseUpdate,
  rejectUpdate,
  resumeUpdate,
  taskStateQuery,
  temporalUiWorkflowTemplate,
  temporalUiWorkflowUrl,
  type NewTaskStart,
  type Principal,
  type TaskAction,
  type ProgressUpdate,
  type TaskMeta,
  type TaskRequest,
  type TaskState,
  type TaskTypeDefinition,
  type TaskTypeId,
  type TimelineEntry,
} from '../core';
import { MAX_WINDOW_HOURS, type ApprovalItem, type TaskDetail, type TaskRecord } from '../core/contract';
import { acquireDatasetLease, releaseDatasetLease } from '../runtime/leases';
import type { DatasetStore } from './datasetStore';
import { NodeService } from './nodeService';
import { authorize } from './auth';
import { HttpError, conflict, notFound, parseOr400 } from './errors';
import type { TaskIndex } from './taskIndex';
import { present, toTaskRecord, workDone } from './taskRecord';
import { readableId, startedEvent, workflowArgument, workflowArguments } from './workflowArgs';

/** The approval queue shows at most this many tasks, oldest first. */
const MAX_APPROVALS = 100;

/** A task as a client asks for it: a POST /tasks body, a batch's or a pipeline's task, a retry. */
export interface TaskAsk {
  type: TaskTypeId;
  input: unknown;
  /** `memory` is the start body's size, already in MB; it becomes `memory_mb`. */
  meta: TaskMeta & { memory?: number };
}

/** A task checked and ready to start: its workflow argument and what its workflow starts with. */
export interface PreparedTask {
  type: TaskTypeId;
  request: TaskRequest;
  start: NewTaskStart;
}

/** Finished runs whose worker is kept in memory. */
const MAX_KNOWN_WORKERS = 10_000;

/** How long an abort waits for the workflow to close before leaving the news to the poll. */
const END_WAIT_MS = 30_000;

/** How long an Update that lost a race to the task's end waits to see how the task ended. */
const SETTLE_MS = 2000;

/** A query on a task whose worker is gone must not hang the detail page. */
const QUERY_TIMEOUT_MS = 3000;

export interface TaskServiceOptions {
  client: Client;
  index: TaskIndex;
  taskQueue: string;
  namespace: string;
  temporalUiUrl: string | undefined;
  datasets: DatasetStore;
  /** Types whose tasks a signed-in `user` submits into pending_approval. */
  approvalTypes?: readonly TaskTypeId[];
}

/** What the API does to tasks: start, describe, abort, retry. All of it is plain Temporal. */
export class TaskService {
  /** Link to a run in the Temporal Web UI, with `{id}` and `{run_id}` to fill; null without a UI. */
  readonly temporalUiTemplate: string | null;
  /** The worker that ran each finished run, by run id (see `lastWorker`). */
  private readonly workers = new Map<string, string | null>();
  /** The nodes tasks may target, and the check of what a task asks of them. */
  readonly nodes: NodeService;

  constructor(private readonly o: TaskServiceOptions) {
    this.temporalUiTemplate = o.temporalUiUrl ? temporalUiWorkflowTemplate(o.temporalUiUrl, o.namespace) : null;
    this.nodes = new NodeService(o.client, o.taskQueue);
  }

  /** The one way a task starts: checked and prepared (`prepare`), then started (`start`). */
  async submit(ask: TaskAsk, actor: Principal | undefined, at: string[] = []): Promise<TaskRecord> {
    return this.start(await this.prepare(ask, actor, at));
  }

  /**
   * Checks a task as every way of starting one must, and prepares what it starts with: its input
   * against its type, who it is started as (the token says, not the body), whether it waits for
   * approval, and its dataset (a new ID for a type that creates one, and the dataset's name from
   * the store when only its ID is given). A 400 or 403 names the field, under `at` (e.g.
   * `tasks.3` of a pipeline).
   */
  async prepare({ type, input, meta: given }: TaskAsk, actor: Principal | undefined, at: string[] = []): Promise<PreparedTask> {
    const definition: TaskTypeDefinition = TASK_TYPES[type];
    const field = (name: string): string => [...at, name].join('.');
    const validInput = parseOr400(definition.input, input, [...at, 'input']);
    const { memory, ...rest } = given;
    const meta: TaskMeta = { ...rest, ...(memory !== undefined && { memory_mb: memory }) };
    if (asksForPlacement(meta)) {
      // Any task runs on the node it names; only a command's process can be held to resources (docs/nodes.md).
      const asked = (['cpu_cores', 'memory', 'gpu_ids', 'gpu_count'] as const).find((key) => given[key] !== undefined);
      if (asked && type !== 'command') throw new HttpError(400, `${field(asked)}: only command tasks can be given resources; other tasks may name a target_node`, field(asked));
      // Its GPU is the allocator's cluster-wide GPU slot, which belongs to no node (docs/nodes.md).
      if (meta.target_node && definition.resource === 'gpu') {
        throw new HttpError(400, `${field('target_node')}: ${type} is GPU-bound and waits for the cluster's one GPU slot, which no node holds; it cannot be given a target node`, field('target_node'));
      }
      if (meta.gpu_ids && meta.gpu_count) throw new HttpError(400, `${field('gpu_count')}: give gpu_ids or gpu_count, not both`, field('gpu_count'));
    }
    if (actor) {
      if (meta.user !== undefined && meta.user !== actor.user) {
        throw new HttpError(403, `${field('user')}: signed in as ${actor.user}; a task cannot be started as ${meta.user}`, field('user'));
      }
      meta.user = actor.user;
    }
    if (actor?.role === 'user' && this.o.approvalTypes?.includes(type)) meta.needs_approval = true;
    if (definition.dataset === 'new' && !meta.dataset_id) meta.dataset_id = readableId(meta.dataset ?? meta.name, 'dataset');
    if (definition.dataset !== 'none') {
      if (!meta.dataset_id) throw new HttpError(400, `${field('dataset_id')}: a ${definition.label} task needs dataset_id`, field('dataset_id'));
      const check = datasetId.safeParse(meta.dataset_id);
      if (!check.success) throw new HttpError(400, `${field('dataset_id')}: ${check.error.issues[0].message}`, field('dataset_id'));
    }
    // The Dataset column and filter show the dataset's name: a task that gives only the ID takes
    // the name from the store; a dataset to create gets the name its creation will give it.
    if (meta.dataset_id && meta.dataset === undefined) {
      if (definition.dataset === 'new') meta.dataset = meta.name ?? meta.dataset_id;
      else {
        const known = await this.o.datasets.manifest(meta.dataset_id).catch(() => undefined);
        if (known) meta.dataset = known.name;
      }
    }
    // A node that does not exist or is down, or resources no node has, are refused however the
    // task arrives (alone, in a batch, a pipeline or a schedule), naming the field of that task.
    if (asksForPlacement(meta)) await this.nodes.check(meta, at);
    return { type, request: { input: validInput, ...meta }, start: newTaskStart(type, meta) };
  }

  /**
   * A task that creates a dataset whose ID the store already has would wait its turn (the GPU,
   * other tasks) and then fail: refused at once instead, with a 409 naming the field, as other
   * conflicts are. A creation still pending or running on that ID holds its lease: the start
   * that follows is refused for that (409 with the holder).
   */
  async checkNewDataset({ type, request }: PreparedTask, at: string[] = []): Promise<void> {
    const definition: TaskTypeDefinition = TASK_TYPES[type];
    const created =
      definition.dataset === 'new'
        ? { id: request.dataset_id, field: 'dataset_id' }
        : type === 'snapshot_clone'
          ? { id: (request.input as { new_dataset_id?: string }).new_dataset_id, field: 'input.new_dataset_id' }
          : undefined;
    if (!created?.id || !(await this.o.datasets.exists(created.id))) return;
    const field = [...at, created.field].join('.');
    throw new HttpError(409, `Dataset ${created.id} already exists; choose another ${created.field.replace(/^input\./, '')}`, field, undefined, { dataset_id: created.id });
  }

  /**
   * Starts a prepared task. A task that modifies a dataset first takes the dataset's lease through
   * its entity workflow (one Update at a time, so concurrent starts cannot race): a blocked start
   * is a 409 naming the task that holds the dataset, and no workflow is started.
   */
  async start(prepared: PreparedTask, id: string = randomUUID()): Promise<TaskRecord> {
    const { type, request } = prepared;
    const definition: TaskTypeDefinition = TASK_TYPES[type];
    await this.checkNewDataset(prepared);
    if (request.depends_on) request.depends_on = await this.checkUpstream(request.depends_on);
    // A task waiting for approval or for upstream tasks must not hold its dataset meanwhile: it
    // takes the lease itself once it may run (an upstream task may need the same dataset first).
    const waits = request.needs_approval || (request.depends_on?.length ?? 0) > 0;
    const leased = request.dataset_id && isExclusive(definition.access) && !waits ? request.dataset_id : undefined;
    if (leased) {
      const manifest = await this.o.datasets.manifest(leased);
      const outcome = await acquireDatasetLease(this.o.client, this.o.taskQueue, leased, {
        task_id: id,
        task_type: type,
        access: definition.access,
        indexed_on_disk: manifest?.indexed ?? true,
      });
      if (!outcome.ok) throw conflict(`Dataset ${leased}: ${outcome.message}`, { holder: outcome.holder, dataset_id: leased });
    }
    try {
      return await this.startWorkflow(id, type, [request], newTaskStart(type, request));
    } catch (err) {
      if (leased) await releaseDatasetLease(this.o.client, leased, id).catch(() => undefined);
      throw err;
    }
  }

  /** Starts a workflow that lists as a task at once: its attributes and memo set at start, its row in the index. */
  async startWorkflow(id: string, type: string, args: unknown[], start: NewTaskStart): Promise<TaskRecord> {
    // Set at start so the task lists as pending before any worker has picked it up; the workflow
    // sets the same attributes itself, which is what tasks started from other clients rely on.
    const handle = await this.o.client.workflow.start(type, {
      taskQueue: this.o.taskQueue,
      workflowId: id,
      args,
      typedSearchAttributes: start.searchAttributes,
      memo: start.memo,
      staticSummary: start.summary,
    });
    // The row is known without asking Temporal again (the same mapping as visibility's rows,
    // which replace it within a poll).
    const record = toTaskRecord({
      workflowId: id,
      runId: handle.firstExecutionRunId,
      type,
      status: { name: 'RUNNING', code: 1 },
      startTime: new Date(),
      closeTime: undefined,
      memo: start.memo,
      typedSearchAttributes: new TypedSearchAttributes(start.searchAttributes),
    });
    this.o.index.put(record);
    return record;
  }

  /**
   * The upstream tasks of a new task, each once: every one must be a Taskdeck task (a 400 naming
   * the entry otherwise). A new task cannot close a cycle: nothing depends on it yet.
   */
  private async checkUpstream(ids: string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    await Promise.all(
      unique.map(async (id) => {
        if (this.o.index.get(id)) return;
        try {
          await this.describe(this.o.client.workflow.getHandle(id));
        } catch (err) {
          if (err instanceof HttpError && err.status === 404) {
            throw new HttpError(400, `depends_on.${ids.indexOf(id)}: no task ${id}`, `depends_on.${ids.indexOf(id)}`);
          }
          throw err;
        }
      }),
    );
    return unique;
  }

  /** The newest retry of a task (following retries of retries), or the task itself. */
  private latestRetry(id: string): string {
    let current = id;
    for (let hops = 0; hops < 100; hops++) {
      const next = this.o.index.group('retry_of', current).sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
      if (!next) break;
      current = next.id;
    }
    return current;
  }

  /** The task's row, straight from Temporal (describe, not a visibility list). */
  async record(id: string): Promise<TaskRecord> {
    return present(toTaskRecord(await this.describe(this.o.client.workflow.getHandle(id))));
  }

  async detail(id: string): Promise<TaskDetail> {
    const handle = this.o.client.workflow.getHandle(id);
    const description = await this.describe(handle);
    const record = present(toTaskRecord(description));
    const state = await this.queryState(handle);
    const input = state ? state.input : await this.startInput(id, record.task_type);
    const activity = description.raw.pendingActivities?.find((a) => a.lastWorkerIdentity);
    const live = heartbeatProgress(activity?.heartbeatDetails?.payloads);
    // The same rule as the row's (work done): the state's progress is the current phase's.
    const progress = workDone(record.status, state?.progress ?? record.progress, record.failed_step);
    return {
      ...record,
      progress: live ? Math.max(progress, Math.floor(live.percent)) : progress,
      message: live?.message ?? state?.message ?? record.message,
      exit_code: state?.exit_code ?? record.exit_code,
      input: maskSecrets(input),
      timeline: state ? withServerEnd(state.timeline, record) : fallbackTimeline(record),
      error_detail: state?.error ?? (record.error ? { message: record.error, step: record.failed_step ?? record.status } : null),
      result: state?.result ?? null,
      approval: state?.approval ?? null,
      constraints: constraintsOf(state?.meta),
      retries: this.o.index
        .group('retry_of', id)
        .sort((a, b) => a.created_at.localeCompare(b.created_at))
        .map((r) => r.id),
      worker: activity?.lastWorkerIdentity ?? (isFinished(record.status) ? await this.lastWorker(id, record.run_id) : null),
      temporal_ui_url: this.temporalUiTemplate ? temporalUiWorkflowUrl(this.temporalUiTemplate, id, record.run_id) : null,
    };
  }

  /**
   * Who ran a finished task, read from the end of its history: the worker of its last activity
   * (ActivityTaskStarted), else of its last workflow task. A finished history never changes, so
   * the answer is kept (for the newest runs only).
   */
  private async lastWorker(id: string, runId: string): Promise<string | null> {
    const known = this.workers.get(runId);
    if (known !== undefined) return known;
    const { history } = await this.o.client.workflowService
      .getWorkflowExecutionHistoryReverse({ namespace: this.o.namespace, execution: { workflowId: id, runId }, maximumPageSize: 100 })
      .catch(() => ({ history: undefined }));
    const events = history?.events ?? [];
    const identity =
      events.find((e) => e.activityTaskStartedEventAttributes?.identity)?.activityTaskStartedEventAttributes?.identity ??
      events.find((e) => e.workflowTaskCompletedEventAttributes?.identity)?.workflowTaskCompletedEventAttributes?.identity ??
      null;
    if (history) {
      if (this.workers.size >= MAX_KNOWN_WORKERS) this.workers.delete(this.workers.keys().next().value!);
      this.workers.set(runId, identity);
    }
    return identity;
  }

  /** Abort is Temporal cancellation: the workflow records `aborted` and its activity stops. */
  async abort(id: string, actor?: Principal, action: 'abort' | 'kill' = 'abort'): Promise<TaskRecord> {
    const handle = this.o.client.workflow.getHandle(id);
    const record = present(toTaskRecord(await this.describe(handle)));
    authorize(actor, action, record);
    if (isFinished(record.status)) throw conflict(`Task ${id} is already ${record.status}; only unfinished tasks can be aborted`);
    await handle.cancel();
    void this.reportEnd(handle);
    return record;
  }

  /**
   * Puts the task's end into the index as soon as the workflow closes, ahead of the visibility
   * poll: every open browser sees an abort at once. Waiting is a long poll on the workflow's
   * history (no visibility call), whose deadline ends the call after END_WAIT_MS.
   */
  private async reportEnd(handle: WorkflowHandle): Promise<void> {
    try {
      await this.o.client.withDeadline(Date.now() + END_WAIT_MS, () => handle.result()).catch(() => undefined);
      const description = await handle.describe();
      if (description.closeTime) this.o.index.put(toTaskRecord(description));
    } catch {
      // The poll brings the row anyway.
    }
  }

  /**
   * Pause and resume are Updates: the workflow's validator refuses what the task's state does not
   * allow (a 409 with its reason), and the answer is the state after the change.
   */
  async pause(id: string, actor?: Principal): Promise<TaskRecord> {
    return this.update(id, actor, 'pause', 'paused', (h) => h.executeUpdate(pauseUpdate));
  }

  async resume(id: string, actor?: Principal): Promise<TaskRecord> {
    return this.update(id, actor, 'resume', 'resumed', (h) => h.executeUpdate(resumeUpdate));
  }

  /** An operator's decision on a task in pending_approval; the reviewer is the signed-in user. */
  async approve(id: string, actor: Principal | undefined, note: string | undefined): Promise<TaskRecord> {
    return this.update(id, actor, 'approve', 'approved', (h) => h.executeUpdate(approveUpdate, { args: [{ by: actor?.user ?? 'anonymous', note }] }));
  }

  async reject(id: string, actor: Principal | undefined, note: string | undefined): Promise<TaskRecord> {
    return this.update(id, actor, 'reject', 'rejected', (h) => h.executeUpdate(rejectUpdate, { args: [{ by: actor?.user ?? 'anonymous', note }] }));
  }

  /** The tasks waiting for approval, oldest first, with what a reviewer needs: input and resources. */
  async approvals(): Promise<ApprovalItem[]> {
    await this.o.index.whenReady();
    const waiting = this.o.index.query({ status: ['pending_approval'], sort: 'time', order: 'asc', limit: MAX_APPROVALS, offset: 0, within_hours: MAX_WINDOW_HOURS }).items;
    return Promise.all(
      waiting.map(async (record) => {
        const definition = TASK_TYPES[record.task_type as TaskTypeId];
        return {
          ...present(record),
          input: maskSecrets((await this.originalRequest(record.id).catch(() => ({ input: null }))).input),
          resources: definition ? { resource: definition.resource, dataset_access: definition.access } : null,
        };
      }),
    );
  }

  private async update(
    id: string,
    actor: Principal | undefined,
    action: TaskAction,
    done: string,
    send: (handle: WorkflowHandle) => Promise<TaskState>,
  ): Promise<TaskRecord> {
    const handle = this.o.client.workflow.getHandle(id);
    const record = present(toTaskRecord(await this.describe(handle)));
    authorize(actor, action, record);
    if (isFinished(record.status)) throw conflict(`Task ${id} is already ${record.status}; it cannot be ${done}`);
    for (let attempt = 1; ; attempt++) {
      try {
        const state = await send(handle);
        return present({ ...record, status: state.status, task_status: STATUS_CODE[state.status], progress: state.progress, paused_ms: state.paused_ms, paused_at: state.paused_at });
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) throw conflict(`Task ${id}: ${err.cause?.message ?? err.message}`);
        if (err instanceof WorkflowNotFoundError) throw conflict(`Task ${id} has ended; it cannot be ${done}`);
        if (!lostToTheEnd(err)) throw err;
        // The Update met the task's end (an abort sent at the same time, or its last step) in the
        // same workflow task, and the server gave it up. Say what the task is now; if it is still
        // going, the Update is asked once more.
        const now = await this.settled(handle);
        if (isFinished(now.status)) throw conflict(`Task ${id} is already ${now.status}; it cannot be ${done}`);
        if (attempt > 1) throw conflict(`Task ${id} changed while it was asked (it is ${now.status}); try again`);
      }
    }
  }

  /** The task's row once it has ended, or after a short while if it has not. */
  private async settled(handle: WorkflowHandle): Promise<TaskRecord> {
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      const now = toTaskRecord(await handle.describe());
      if (isFinished(now.status) || Date.now() > deadline) return now;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }


  /** A new task with the same type, input and labels, linked both ways to the original. */
  /** Retries a finished task; `retryId` fixes the new task's id (a bulk retry's activity sets it). */
  async retry(id: string, actor?: Principal, retryId?: string): Promise<TaskRecord> {
    const handle = this.o.client.workflow.getHandle(id);
    const record = present(toTaskRecord(await this.describe(handle)));
    authorize(actor, 'retry', record);
    if (!isFinished(record.status)) throw conflict(`Task ${id} is still ${record.status}; abort it or wait for it to end before retrying`);
    if (!(record.task_type in TASK_TYPES)) return this.rerun(record, actor, retryId);
    const { input, ...meta } = await this.originalRequest(id);
    // A task that did not run because an upstream task failed waits, this time, for that task's
    // retry: retry the failed upstream task first, then this one.
    if (meta.depends_on) meta.depends_on = meta.depends_on.map((upstream) => this.latestRetry(upstream));
    // With authentication the retry is the retrier's task: the User column shows who started it.
    const ask = { type: record.task_type as TaskTypeId, input, meta: { ...meta, ...(actor && { user: actor.user }), retry_of: id } };
    return this.start(await this.prepare(ask, actor), retryId);
  }

  /**
   * The retry of a workflow the plugin tracks (a type of someone's own worker): a new workflow of
   * the same type on the same task queue with the very same input, as its payloads were (so a
   * codec or converter of that application need not be known here), linked to the original.
   */
  private async rerun(record: TaskRecord, actor: Principal | undefined, retryId?: string): Promise<TaskRecord> {
    const started = await startedEvent(this.o.client, this.o.namespace, record.id);
    if (!started?.workflowType?.name || !started.taskQueue?.name) throw conflict(`Task ${record.id}: how it was started is no longer in its history`);
    const id = retryId ?? `${record.id}-retry-${randomUUID().slice(0, 8)}`;
    const meta: TaskMeta = {
      ...(record.tag && { tag: record.tag }),
      ...((actor?.user ?? record.user) && { user: actor?.user ?? record.user! }),
      ...(record.batch_id && { batch_id: record.batch_id }),
      ...(record.name && { name: record.name }),
      retry_of: record.id,
    };
    const start = newTaskStart(started.workflowType.name, meta);
    const { runId } = await this.o.client.workflowService.startWorkflowExecution({
      namespace: this.o.namespace,
      workflowId: id,
      workflowType: started.workflowType,
      taskQueue: started.taskQueue,
      input: started.input,
      header: started.header,
      workflowRunTimeout: started.workflowRunTimeout,
      workflowTaskTimeout: started.workflowTaskTimeout,
      identity: `taskdeck${actor ? ` (${actor.user})` : ''}`,
      requestId: randomUUID(),
      memo: { fields: { ...started.memo?.fields, ...encodeMemo(start.memo) } },
      searchAttributes: { indexedFields: encodeUnifiedSearchAttributes(undefined, start.searchAttributes) },
    });
    const retry = toTaskRecord({
      workflowId: id,
      runId: runId ?? '',
      type: started.workflowType.name,
      status: { name: 'RUNNING', code: 1 },
      startTime: new Date(),
      closeTime: undefined,
      memo: start.memo,
      typedSearchAttributes: new TypedSearchAttributes(start.searchAttributes),
    });
    this.o.index.put(retry);
    return retry;
  }

  /** The 404 of every task route: unknown ID, or a workflow that is not a Taskdeck task. */
  private async describe(handle: WorkflowHandle) {
    try {
      const description = await handle.describe();
      if (!(description.type in TASK_TYPES) && !description.typedSearchAttributes.get(SA.type)) {
        throw notFound(`Task ${handle.workflowId}`);
      }
      return description;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(`Task ${handle.workflowId}`);
      throw err;
    }
  }

  /** The task's own state; undefined when no worker answers in time (the detail page must not hang). */
  private async queryState(handle: WorkflowHandle): Promise<TaskState | undefined> {
    return this.o.client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(taskStateQuery)).catch(() => undefined);
  }

  /**
   * The input as the state query would answer it, for when no worker answers (a plugin's task
   * started before its worker runs): a catalog task's request `input`; a plugin task's argument,
   * or all of them when there are several, as the plugins' state has it. Null when it cannot be
   * read here (a payload codec of that application).
   */
  private async startInput(id: string, taskType: string): Promise<unknown> {
    if (taskType in TASK_TYPES) return (await this.originalRequest(id)).input ?? null;
    try {
      const args = await workflowArguments(this.o.client, this.o.namespace, id);
      return (args.length === 1 ? args[0] : args) ?? null;
    } catch {
      return null;
    }
  }

  /** The workflow's argument, read from the first event of its history. */
  private async originalRequest(id: string): Promise<TaskRequest> {
    const request = await workflowArgument<TaskRequest>(this.o.client, this.o.namespace, id);
    const { input, ...meta } = request ?? ({} as TaskRequest);
    // Whether a retry needs approval is decided anew, by who retries.
    const { retry_of: _previous, triggered_by: _trigger, needs_approval: _approval, ...rest } = meta;
    return { input, ...rest };
  }
}

/**
 * Awaits every promise and gives their values in order, or throws the error of the first one (by
 * position, not by time) that failed: a bad task of a batch or pipeline is named the same way
 * however fast each check was.
 */
export async function allInOrder<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
}

/**
 * The running activity's last heartbeat: the freshest progress and message, ahead of what the
 * workflow was told (it hears only of whole-percent changes, to keep its history short).
 */
function heartbeatProgress(payloads: Parameters<typeof arrayFromPayloads>[1]): ProgressUpdate | undefined {
  if (!payloads?.length) return undefined;
  const [details] = arrayFromPayloads(defaultPayloadConverter, payloads) as [{ progress?: ProgressUpdate } | undefined];
  const progress = details?.progress;
  return progress && typeof progress.percent === 'number' ? progress : undefined;
}

/** A workflow terminated or timed out by the server never recorded its own end: add it. */
function withServerEnd(timeline: TimelineEntry[], record: TaskRecord): TimelineEntry[] {
  const last = timeline[timeline.length - 1];
  if (!record.end_date || !isFinished(record.status) || (last && isFinished(last.status))) return timeline;
  return [...timeline, { status: record.status, at: record.end_date }];
}

/** Without the workflow's own timeline (no worker to answer), show what visibility knows. */
function fallbackTimeline(record: TaskRecord): TimelineEntry[] {
  const timeline: TimelineEntry[] = [{ status: 'pending', at: record.created_at }];
  if (record.started_at) timeline.push({ status: 'initializing', at: record.started_at });
  if (record.end_date) timeline.push({ status: record.status, at: record.end_date });
  return timeline;
}

function encodeMemo(memo: Record<string, unknown>) {
  return mapToPayloads(defaultPayloadConverter, memo);
}

/**
 * The server's answer to an Update whose workflow task failed or ended the workflow: it happens
 * when the Update arrives together with the task's end (an abort at the same moment).
 */
function lostToTheEnd(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if (/unexpected workflow task failure|workflow execution already completed/i.test(e.message)) return true;
  }
  return false;
}

/** What a task asked for, from its meta; null when it asked for no node and no resources. */
function constraintsOf(meta: TaskMeta | undefined): TaskDetail['constraints'] {
  if (!meta || !asksForPlacement(meta)) return null;
  return {
    target_node: meta.target_node ?? null,
    cpu_cores: meta.cpu_cores ?? null,
    memory_mb: meta.memory_mb ?? null,
    gpu_ids: meta.gpu_ids ?? null,
    gpu_count: meta.gpu_count ?? null,
  };
}
