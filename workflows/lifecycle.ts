import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import {
  SA,
  STATUS_LABEL,
  TASK_TYPES,
  metaSearchAttributes,
  progressSignal,
  taskMeta,
  taskStateQuery,
  type TaskFailure,
  type TaskMemo,
  type TaskRequest,
  type TaskState,
  type TaskStatus,
  type TaskTypeId,
} from '../core';

/** The two phases every task type supplies; the runner owns everything around them. */
export interface TaskPhases<Input, Prepared, Result> {
  /** Validation, downloads, preparation: the task shows `initializing`. */
  initialize(input: Input): Promise<Prepared>;
  /** The work itself: the task shows `running`; activities report progress meanwhile. */
  run(prepared: Prepared): Promise<Result>;
}

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
  const state: TaskState = {
    task_type: typeId,
    status: 'pending',
    input: rawInput,
    meta,
    timeline: [{ status: 'pending', at: info.startTime.toISOString() }],
    progress: 0,
    message: null,
    started_at: null,
    finished_at: null,
    error: null,
    result: null,
    exit_code: null,
  };

  setHandler(taskStateQuery, () => state);
  setHandler(progressSignal, ({ percent, message }) => {
    if (state.status !== 'initializing' && state.status !== 'running') return;
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

  const startedAt = new Date();
  state.started_at = startedAt.toISOString();
  transition('initializing', [
    { key: SA.type, value: typeId },
    { key: SA.startedAt, value: startedAt },
    { key: SA.progress, value: 0 },
    ...metaSearchAttributes(meta),
  ]);
  if (meta.name) upsertMemo({ name: meta.name } satisfies TaskMemo);

  try {
    if (!metaCheck.success) {
      throw ApplicationFailure.create({
        message: `Invalid task metadata: ${metaCheck.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        nonRetryable: true,
      });
    }
    const inputCheck = TASK_TYPES[typeId].input.safeParse(rawInput);
    if (!inputCheck.success) {
      throw ApplicationFailure.create({
        message: `Invalid input: ${inputCheck.error.issues.map((i) => `${['input', ...i.path].join('.')}: ${i.message}`).join('; ')}`,
        nonRetryable: true,
      });
    }
    state.input = inputCheck.data;
    const prepared = await phases.initialize(inputCheck.data as Input);
    transition('running');
    const result = await phases.run(prepared);
    state.result = result ?? null;
    state.progress = 100;
    state.exit_code = exitCodeOf(result);
    finish(state, 'completed');
    transition('completed', [{ key: SA.progress, value: 100 }]);
    upsertMemo({ message: state.message, exit_code: state.exit_code } satisfies TaskMemo);
    return result;
  } catch (err) {
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
  }
}

function finish(state: TaskState, status: TaskStatus): void {
  state.finished_at = new Date().toISOString();
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
