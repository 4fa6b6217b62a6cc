import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ParentClosePolicy,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import type { TaskActivities } from '../activities';
import { Dependants, upstreamFailureMessage, waitForUpstream } from './upstream';
import {
  SA,
  STATUS_LABEL,
  TASK_TYPES,
  datasetEntityId,
  gpuPositionSignal,
  gpuQueueId,
  gpuReleaseSignal,
  isExclusive,
  isFinished,
  approveUpdate,
  metaSearchAttributes,
  pauseUpdate,
  rejectUpdate,
  progressSignal,
  resumeUpdate,
  releaseDatasetSignal,
  taskMeta,
  taskStateQuery,
  type ApprovalRequest,
  type ReleaseDatasetRequest,
  type TaskMeta,
  type TaskFailure,
  type TaskMemo,
  type TaskRequest,
  type TaskState,
  type TaskStatus,
  type TaskTypeDefinition,
  type TaskTypeId,
} from '../core';

/** The failure type of a rejected task; its status search attribute says rejected. */
const REJECTED = 'TaskRejected';
/** The failure type of a task that did not run because a task it depends on did not complete. */
const UPSTREAM_FAILED = 'UpstreamFailed';

/** The two phases every task type supplies; the runner owns everything around them. */
export interface TaskPhases<Input, Prepared, Result> {
  /** Validation, downloads, preparation: the task shows `initializing`. */
  initialize(input: Input): Promise<Prepared>;
  /** The work itself: the task shows `running`; activities report progress meanwhile. */
  run(prepared: Prepared): Promise<Result>;
  /** Whether the dataset's index is complete after the task completed, when the task changes it. */
  indexedAfter?(result: Result): boolean | undefined;
  /** A task to start when this one completes; it takes over this task's dataset lease atomically. */
  followUp?(input: Input, result: Result): { type: TaskTypeId; input: unknown } | undefined;
  /** Removes what the task staged, on every path (completed, failed, aborted). */
  cleanup?(): Promise<void>;
}

const { acquireDatasetLease, requestGpu } = proxyActivities<TaskActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5 },
});

/**
 * Runs a task through the one lifecycle shared by every type:
 * pending → initializing → running → completed | failed | aborted.
 * Each transition is timestamped in the detail query and mirrored in search attributes, so the
 * task shows correctly in Taskdeck however it was started (API, Temporal CLI, any client).
 * Abort is Temporal cancellation: it reaches the running activity, which stops its work.
 */
export async function runTask<Input, Prepared, Result>(
  typeId: TaskTypeId,
  request: TaskRequest<unknown>,
  phases: TaskPhases<Input, Prepared, Result>,
): Promise<Result> {
  const info = workflowInfo();
  const { input: rawInput, ...rawMeta } = request ?? ({} as TaskRequest);
  const metaCheck = taskMeta.safeParse(rawMeta);
  const meta = metaCheck.success ? metaCheck.data : {};
  // A task that needs approval lists as pending_approval from its first moment.
  const initial: TaskStatus = meta.needs_approval ? 'pending_approval' : 'pending';
  const state: TaskState = {
    task_type: typeId,
    status: initial,
    input: rawInput,
    meta,
    timeline: [{ status: initial, at: info.startTime.toISOString() }],
    progress: 0,
    message: null,
    started_at: null,
    finished_at: null,
    paused_ms: 0,
    paused_at: null,
    error: null,
    approval: null,
    result: null,
    exit_code: null,
  };

  // The phase a pause interrupted, and goes back to on resume.
  let pausedFrom: 'initializing' | 'running' | undefined;
  const activePhase = (): TaskStatus => (state.status === 'paused' && pausedFrom ? pausedFrom : state.status);

  setHandler(taskStateQuery, () => state);
  const dependants = new Dependants();
  setHandler(progressSignal, ({ percent, message, phase }) => {
    // Output printed just before a pause still counts, so a paused task takes progress of its phase.
    const active = activePhase();
    if (active !== 'initializing' && active !== 'running') return;
    // Each phase counts 0-100 on its own; a late report of the finished phase must not count.
    if (phase && phase !== active) return;
    const whole = Math.max(0, Math.min(100, Math.floor(percent)));
    const text = message ?? null;
    // Progress never goes back: a late signal from an earlier attempt must not rewind the bar.
    const progressed = whole > state.progress;
    const reworded = text !== state.message;
    if (progressed) {
      state.progress = whole;
      upsertSearchAttributes([
        { key: SA.progress, value: whole },
        { key: SA.updatedAt, value: new Date() },
      ]);
    }
    if (reworded) {
      state.message = text;
      upsertMemo({ message: text } satisfies TaskMemo);
    }
    if (progressed || reworded) showInTemporalUi(state);
  });

  const transition = (status: TaskStatus, extra: SearchAttributePair[] = []): void => {
    const now = new Date();
    state.status = status;
    state.timeline.push({ status, at: now.toISOString() });
    upsertSearchAttributes([
      { key: SA.status, value: status },
      { key: SA.updatedAt, value: now },
      ...extra,
    ]);
    showInTemporalUi(state);
  };

  setHandler(
    pauseUpdate,
    () => {
      pausedFrom = state.status as 'initializing' | 'running';
      const now = new Date();
      state.paused_at = now.toISOString();
      transition('paused');
      upsertMemo({ paused_ms: state.paused_ms, paused_at: state.paused_at } satisfies TaskMemo);
      return state;
    },
    {
      validator: () => {
        if (state.status !== 'initializing' && state.status !== 'running') {
          throw new Error(`Only an initializing or running task can be paused; this one is ${state.status}`);
        }
      },
    },
  );
  setHandler(
    resumeUpdate,
    () => {
      const pausedAt = state.paused_at ? Date.parse(state.paused_at) : Date.now();
      state.paused_ms += Math.max(0, Date.now() - pausedAt);
      state.paused_at = null;
      transition(pausedFrom ?? 'running');
      pausedFrom = undefined;
      upsertMemo({ paused_ms: state.paused_ms, paused_at: null } satisfies TaskMemo);
      return state;
    },
    {
      validator: () => {
        if (state.status !== 'paused') throw new Error(`Only a paused task can be resumed; this one is ${state.status}`);
      },
    },
  );

  const whileWaitingForApproval = (_request: ApprovalRequest): void => {
    if (state.status !== 'pending_approval') throw new Error(`Only a task pending approval can be approved or rejected; this one is ${state.status}`);
  };
  const decide = (decision: 'approved' | 'rejected', { by, note }: { by: string; note?: string }): TaskState => {
    state.approval = { decision, by, at: new Date().toISOString(), note: note ?? null };
    if (decision === 'approved') {
      state.message = `Approved by ${by}${note ? `: ${note}` : ''}`;
      upsertMemo({ message: state.message } satisfies TaskMemo);
      transition('pending');
    } else {
      const message = `Rejected by ${by}${note ? `: ${note}` : ''}`;
      state.error = { message, step: 'pending_approval' };
      state.message = message;
      finish(state, 'rejected');
      transition('rejected');
      upsertMemo({ message, error: message, failed_step: 'pending_approval' } satisfies TaskMemo);
    }
    return state;
  };
  setHandler(approveUpdate, (request) => decide('approved', request), { validator: whileWaitingForApproval });
  setHandler(rejectUpdate, (request) => decide('rejected', request), { validator: whileWaitingForApproval });

  // A task started by any client lists as pending with its labels before it waits for anything.
  // The status is the state's, not `initial`: an approve or reject Update sent right after the
  // start is handled as its handler is set, before this line runs.
  upsertSearchAttributes([
    { key: SA.type, value: typeId },
    { key: SA.status, value: state.status },
    { key: SA.updatedAt, value: new Date() },
    ...metaSearchAttributes(meta),
  ]);
  if (meta.name || meta.triggered_by || meta.depends_on?.length) {
    upsertMemo({
      ...(meta.name && { name: meta.name }),
      ...(meta.triggered_by && { triggered_by: meta.triggered_by }),
      ...(meta.depends_on?.length && { depends_on: meta.depends_on }),
    } satisfies TaskMemo);
  }

  const definition: TaskTypeDefinition = TASK_TYPES[typeId];
  const inputCheck = definition.input.safeParse(rawInput);
  const leases = new Leases(info.workflowId, info.taskQueue, meta);
  const startProcessing = (): void => {
    const startedAt = new Date();
    state.started_at = startedAt.toISOString();
    transition('initializing', [
      { key: SA.startedAt, value: startedAt },
      { key: SA.progress, value: 0 },
    ]);
  };

  try {
    if (initial === 'pending_approval') {
      // The decision may already be in (see above): then there is nothing to wait for.
      if (!state.approval) {
        setPendingMessage(state, 'Waiting for approval');
        await condition(() => state.approval !== null);
      }
      if (state.approval?.decision === 'rejected') {
        throw ApplicationFailure.create({ type: REJECTED, message: state.error!.message, nonRetryable: true, details: [state.error] });
      }
    }
    if (meta.depends_on?.length) {
      const failure = await waitForUpstream(meta.depends_on, (message) => setPendingMessage(state, message));
      if (failure) {
        const message = upstreamFailureMessage(failure);
        state.error = { message, step: 'pending' };
        state.message = message;
        finish(state, 'upstream_failed');
        transition('upstream_failed');
        upsertMemo({ message, error: message, failed_step: 'pending' } satisfies TaskMemo);
        throw ApplicationFailure.create({ type: UPSTREAM_FAILED, message, nonRetryable: true, details: [state.error] });
      }
    }
    if (metaCheck.success && inputCheck.success) {
      // Pending covers waiting for the dataset and the GPU: no duration accumulates meanwhile.
      await leases.acquire(definition, (message) => setPendingMessage(state, message));
    }
    startProcessing();
    if (!metaCheck.success) {
      throw ApplicationFailure.create({
        message: `Invalid task metadata: ${metaCheck.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        nonRetryable: true,
      });
    }
    if (!inputCheck.success) {
      throw ApplicationFailure.create({
        message: `Invalid input: ${inputCheck.error.issues.map((i) => `${['input', ...i.path].join('.')}: ${i.message}`).join('; ')}`,
        nonRetryable: true,
      });
    }
    state.input = inputCheck.data;
    const prepared = await phases.initialize(inputCheck.data as Input);
    // A task paused while initializing starts running only once resumed.
    await condition(() => state.status !== 'paused');
    // Running counts its own 0-100: the bar showed initialization until now.
    state.progress = 0;
    transition('running', [{ key: SA.progress, value: 0 }]);
    const result = await phases.run(prepared);
    state.result = result ?? null;
    state.progress = 100;
    state.exit_code = exitCodeOf(result);
    const next = phases.followUp?.(inputCheck.data as Input, result);
    if (next) {
      const followUp = await leases.handOver(next, phases.indexedAfter?.(result));
      state.result = { ...(result as object), follow_up: followUp };
    } else {
      await leases.release(phases.indexedAfter?.(result));
    }
    finish(state, 'completed');
    transition('completed', [{ key: SA.progress, value: 100 }]);
    upsertMemo({ message: state.message, exit_code: state.exit_code } satisfies TaskMemo);
    return result;
  } catch (err) {
    // Already recorded (by the reject Update, or the upstream check): the status says why.
    if (err instanceof ApplicationFailure && (err.type === REJECTED || err.type === UPSTREAM_FAILED)) throw err;
    // Give the dataset back before the task shows as ended: whoever sees `failed` or `aborted`
    // may retry at once, and must not find the dataset still held by this task.
    await CancellationScope.nonCancellable(() => leases.release(undefined));
    if (isCancellation(err)) {
      finish(state, 'aborted');
      transition('aborted');
      throw err;
    }
    const failure = describeFailure(err, state.status);
    state.error = failure;
    state.exit_code = failure.exit_code ?? null;
    finish(state, 'failed');
    transition('failed');
    upsertMemo({
      error: failure.message,
      failed_step: failure.step,
      exit_code: state.exit_code,
    } satisfies TaskMemo);
    throw ApplicationFailure.create({
      type: 'TaskFailed',
      message: failure.message,
      nonRetryable: true,
      details: [failure],
    });
  } finally {
    // Failed and aborted tasks leave the dataset as it was: no outcome, just the release.
    await CancellationScope.nonCancellable(async () => {
      await leases.release(undefined);
      await phases.cleanup?.();
    });
    // Tasks waiting for this one learn how it ended; an unexpected end counts as failed.
    await CancellationScope.nonCancellable(() => dependants.ended(isFinished(state.status) ? state.status : 'failed'));
  }
}

function setPendingMessage(state: TaskState, message: string): void {
  state.message = message;
  upsertMemo({ message } satisfies TaskMemo);
  upsertSearchAttributes([{ key: SA.updatedAt, value: new Date() }]);
  showInTemporalUi(state);
}

/**
 * The dataset lease and the GPU lease of one task. Both are taken while the task is pending and
 * given back when it ends, on every path; releasing twice is harmless.
 */
class Leases {
  private dataset: string | undefined;
  private gpu = false;

  constructor(
    private readonly taskId: string,
    private readonly taskQueue: string,
    private readonly meta: TaskMeta,
  ) {}

  async acquire(definition: TaskTypeDefinition, wait: (message: string) => void): Promise<void> {
    const datasetId = this.meta.dataset_id;
    if (definition.dataset !== 'none' && !datasetId) {
      throw ApplicationFailure.create({ message: `A ${definition.label} task needs dataset_id`, nonRetryable: true });
    }
    if (datasetId && isExclusive(definition.access)) {
      // The API took the lease before starting the task; this is the same idempotent request, so a
      // task started from the Temporal CLI or any client obeys the same rules.
      const outcome = await acquireDatasetLease({ dataset_id: datasetId, task_type: definition.id, access: definition.access });
      if (!outcome.ok) {
        throw ApplicationFailure.create({ type: 'DatasetBusy', message: `Dataset ${datasetId}: ${outcome.message}`, nonRetryable: true });
      }
      this.dataset = datasetId;
    }
    if (definition.resource === 'gpu') {
      let position = Infinity;
      setHandler(gpuPositionSignal, (update) => void (position = update.position));
      this.gpu = true;
      await requestGpu({ task_id: this.taskId });
      wait('Waiting for the GPU');
      while (position !== 0) {
        const seen = position;
        if (Number.isFinite(seen)) wait(`Waiting for the GPU, ${seen} ahead`);
        await condition(() => position !== seen);
      }
    }
  }

  async release(indexed: boolean | undefined): Promise<void> {
    await this.releaseGpu();
    await this.releaseDataset({ task_id: this.taskId, indexed });
  }

  /** Starts the follow-up task, which takes over the dataset lease before it exists, so nothing slips in between. */
  async handOver(next: { type: TaskTypeId; input: unknown }, indexed: boolean | undefined): Promise<string> {
    await this.releaseGpu();
    const childId = uuid4();
    await this.releaseDataset({ task_id: this.taskId, indexed, handover_to: { task_id: childId, task_type: next.type } });
    const meta: TaskMeta = { ...this.meta, name: undefined, retry_of: undefined, triggered_by: this.taskId };
    await startChild(next.type, {
      workflowId: childId,
      args: [{ input: next.input, ...meta }],
      // The follow-up outlives this task; it is a task of its own in the table.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: SA.type, value: next.type },
        { key: SA.status, value: 'pending' },
        { key: SA.updatedAt, value: new Date() },
        ...metaSearchAttributes(meta),
      ],
      memo: { triggered_by: this.taskId } satisfies TaskMemo,
    });
    return childId;
  }

  private async releaseGpu(): Promise<void> {
    if (!this.gpu) return;
    this.gpu = false;
    await getExternalWorkflowHandle(gpuQueueId(this.taskQueue)).signal(gpuReleaseSignal, { task_id: this.taskId });
  }

  private async releaseDataset(request: ReleaseDatasetRequest): Promise<void> {
    const datasetId = this.dataset;
    if (!datasetId) return;
    this.dataset = undefined;
    await getExternalWorkflowHandle(datasetEntityId(datasetId)).signal(releaseDatasetSignal, request);
  }
}

function finish(state: TaskState, status: TaskStatus): void {
  state.finished_at = new Date().toISOString();
  // A task that ends while paused (aborted, or its work finished as it paused) stops pausing at its end.
  if (state.paused_at) {
    state.paused_ms += Math.max(0, Date.now() - Date.parse(state.paused_at));
    state.paused_at = null;
    upsertMemo({ paused_ms: state.paused_ms, paused_at: null } satisfies TaskMemo);
  }
  if (status === 'completed') state.message = state.message ?? 'Done';
}

/** The Temporal Web UI shows this as the workflow's current details. */
function showInTemporalUi(state: TaskState): void {
  const parts = [`**${STATUS_LABEL[state.status]}**`, `${state.progress}%`];
  if (state.message) parts.push(state.message);
  if (state.error) parts.push(`error in ${state.error.step}: ${state.error.message}`);
  setCurrentDetails(parts.join(' · '));
}

function exitCodeOf(result: unknown): number | null {
  if (result && typeof result === 'object' && 'exit_code' in result) {
    const code = (result as { exit_code: unknown }).exit_code;
    if (typeof code === 'number') return code;
  }
  return null;
}

/** Unwraps an activity failure into the message a user can act on, keeping the failed step. */
function describeFailure(err: unknown, step: TaskStatus): TaskFailure {
  const cause = err instanceof ActivityFailure ? (err.cause ?? err) : err;
  const message = cause instanceof Error ? cause.message : String(cause);
  const failure: TaskFailure = { message: message || 'Task failed', step };
  if (cause instanceof ApplicationFailure) {
    const detail = cause.details?.[0] as { exit_code?: unknown } | undefined;
    if (detail && typeof detail.exit_code === 'number') failure.exit_code = detail.exit_code;
  }
  return failure;
}
