import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ParentClosePolicy,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import {
  PIPELINE_SEGMENT_WORKFLOW,
  SA,
  newTaskStart,
  pipelineRunTasks,
  pipelineSegmentId,
  pipelineSegmentStartedSignal,
  pipelineTasksSignal,
  type PipelineMemo,
  type PipelineRequest,
  type PipelineSegmentRequest,
  type PipelineStatus,
  type PipelineTask,
  type TaskRequest,
} from '../core';

/** What every task workflow is, whatever its type. */
type TaskWorkflow = (request: TaskRequest) => Promise<unknown>;

export interface PipelineResult {
  completed: number;
  /** Tasks that did not complete, with how they ended. */
  not_completed: { key: string; id: string; error: string }[];
}

/** Pipelines of more tasks than their segment size run through segment workflows. */
const SEGMENTS_PATCH = 'pipeline-segments';

/**
 * A pipeline: the parent workflow of its tasks. It starts every task as a child, upstream tasks
 * first, so each task can ask the tasks it depends on to tell it when they end; the tasks do the
 * waiting (pending, upstream_failed) themselves, exactly as a task started with depends_on alone.
 * Aborting the pipeline is cancelling this workflow: Temporal cancels every child that has not
 * ended, and the pipeline ends aborted once they have.
 *
 * A pipeline of more tasks than Temporal lets one workflow hold open children (2,000 by default)
 * comes with `segment_size`: its tasks arrive in signals (a start argument is at most 2 MB) and
 * it starts segment workflows instead, each the parent of `segment_size` consecutive tasks in
 * upstream-first order. A segment starts only once the one before it has started all its tasks
 * (it says so in a signal), so every task's upstream tasks exist when it starts, as above; and
 * no history comes near its event limit.
 */
export async function taskdeck_pipeline(request: PipelineRequest): Promise<PipelineResult> {
  if (request.segment_size !== undefined && patched(SEGMENTS_PATCH)) return inSegments(request, request.segment_size);
  const { workflowId } = workflowInfo();
  const setStatus = announce(request, request.tasks.length);
  // A schedule's template gets task ids of this run's own; a request with ids (every pipeline
  // started before templates existed) is used as it is.
  const tasks = pipelineRunTasks(request, workflowId);

  const children: { task: PipelineTask; handle: ChildWorkflowHandle<TaskWorkflow> }[] = [];
  const settle = () => Promise.allSettled(children.map(({ handle }) => handle.result()));
  let outcomes: PromiseSettledResult<unknown>[];
  try {
    for (const level of upstreamFirst(tasks)) {
      const started = await Promise.all(level.map((task) => startTask(task, workflowId)));
      level.forEach((task, i) => children.push({ task, handle: started[i] }));
    }
    outcomes = await settle();
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // Cancelled while starting: the children already started are being cancelled; wait for them.
    await CancellationScope.nonCancellable(settle);
    setStatus('aborted', 'aborted');
    throw err;
  }
  if (CancellationScope.current().consideredCancelled) {
    setStatus('aborted', 'aborted');
    throw new CancelledFailure('Pipeline aborted');
  }
  const notCompleted = outcomes.flatMap((outcome, i) =>
    outcome.status === 'rejected' ? [{ key: children[i].task.key, id: children[i].task.id, error: causeOf(outcome.reason) }] : [],
  );
  return ended(setStatus, outcomes.length, notCompleted);
}

/** Sets the pipeline's search attributes, memo and status at its start; answers how to set its status later. */
function announce(request: PipelineRequest, count: number): (status: PipelineStatus, detail: string) => void {
  const { workflowId } = workflowInfo();
  const setStatus = (status: PipelineStatus, detail: string): void => {
    upsertSearchAttributes([
      { key: SA.status, value: status },
      { key: SA.updatedAt, value: new Date() },
    ]);
    setCurrentDetails(`**${status}** · ${request.name} · ${detail}`);
  };
  // Also for a pipeline started from the Temporal CLI: it lists with its name and owner.
  upsertSearchAttributes([
    { key: SA.pipeline, value: workflowId },
    ...(request.user ? [{ key: SA.user, value: request.user }] : []),
    ...(request.tag ? [{ key: SA.tag, value: request.tag }] : []),
  ]);
  upsertMemo({ name: request.name, task_count: count, ...(request.group && { group: request.group }) } satisfies PipelineMemo);
  setStatus('running', `${count} tasks`);
  return setStatus;
}

/** The pipeline's end once every task has: completed, or failed naming the first tasks that did not complete. */
function ended(setStatus: (status: PipelineStatus, detail: string) => void, count: number, notCompleted: PipelineResult['not_completed']): PipelineResult {
  const result = { completed: count - notCompleted.length, not_completed: notCompleted };
  if (notCompleted.length > 0) {
    setStatus('failed', `${notCompleted.length} of ${count} tasks did not complete`);
    throw ApplicationFailure.create({
      type: 'PipelineFailed',
      message: `${notCompleted.length} of ${count} tasks did not complete: ${notCompleted.slice(0, 5).map((t) => t.key).join(', ')}`,
      nonRetryable: true,
      details: [result],
    });
  }
  setStatus('completed', `${count} tasks completed`);
  return result;
}

function startTask(task: PipelineTask, pipelineId: string): Promise<ChildWorkflowHandle<TaskWorkflow>> {
  const request = { ...task.request, pipeline_id: pipelineId };
  const { input: _input, ...meta } = request;
  // Listed as pending with its labels from the first moment, like a task started by the API.
  const start = newTaskStart(task.type, meta);
  return startChild<TaskWorkflow>(task.type, {
    workflowId: task.id,
    args: [request],
    // A pipeline ended from outside (terminated) still lets its tasks end as aborted.
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    typedSearchAttributes: start.searchAttributes,
    memo: start.memo,
    staticSummary: start.summary,
  });
}

/** What a segment tells its pipeline: its tasks that did not complete. */
export type SegmentResult = PipelineResult;

/** A big pipeline (see taskdeck_pipeline): its tasks from signals, run in segments. */
async function inSegments(request: PipelineRequest, segmentSize: number): Promise<PipelineResult> {
  const { workflowId } = workflowInfo();
  const count = request.task_count ?? 0;
  const setStatus = announce(request, count);

  const tasks: PipelineTask[] = [...request.tasks];
  let received = tasks.length;
  setHandler(pipelineTasksSignal, ({ offset, tasks: part }) => {
    part.forEach((task, i) => {
      if (tasks[offset + i] === undefined) received++;
      tasks[offset + i] = task;
    });
  });
  const started = new Set<number>();
  setHandler(pipelineSegmentStartedSignal, ({ index }) => void started.add(index));

  const segments: PipelineTask[][] = [];
  const results: Promise<SegmentResult>[] = [];
  const finished = new Set<number>();
  const settle = () => Promise.allSettled(results);
  try {
    await condition(() => received >= count);
    const ordered = upstreamFirst(tasks).flat();
    for (let i = 0; i < ordered.length; i += segmentSize) segments.push(ordered.slice(i, i + segmentSize));
    for (const [index, segment] of segments.entries()) {
      const handle = await startChild<typeof taskdeck_pipeline_segment>(PIPELINE_SEGMENT_WORKFLOW, {
        workflowId: pipelineSegmentId(workflowId, index),
        args: [{ pipeline_id: workflowId, index, tasks: segment }],
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        staticSummary: `Taskdeck pipeline ${request.name}: tasks ${index * segmentSize + 1}-${index * segmentSize + segment.length} of ${count}`,
      });
      const result = handle.result();
      results.push(result);
      void result.finally(() => finished.add(index)).catch(() => undefined);
      // Tasks of the next segment may wait for tasks of this one: those must exist first.
      await condition(() => started.has(index) || finished.has(index));
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(settle);
    setStatus('aborted', 'aborted');
    throw err;
  }
  const outcomes = await settle();
  if (CancellationScope.current().consideredCancelled) {
    setStatus('aborted', 'aborted');
    throw new CancelledFailure('Pipeline aborted');
  }
  const notCompleted = outcomes.flatMap((outcome, i) =>
    outcome.status === 'fulfilled'
      ? outcome.value.not_completed
      : segments[i].map((task) => ({ key: task.key, id: task.id, error: causeOf(outcome.reason) })),
  );
  return ended(setStatus, count, notCompleted);
}

/**
 * One segment of a big pipeline: the parent of its tasks, started upstream first as a small
 * pipeline starts them. It tells the pipeline once all are started, then waits for them and
 * answers those that did not complete. Not a task: it has no Taskdeck search attributes.
 */
export async function taskdeck_pipeline_segment(request: PipelineSegmentRequest): Promise<SegmentResult> {
  const children: { task: PipelineTask; handle: ChildWorkflowHandle<TaskWorkflow> }[] = [];
  const settle = () => Promise.allSettled(children.map(({ handle }) => handle.result()));
  try {
    for (const level of upstreamFirst(request.tasks)) {
      const started = await Promise.all(level.map((task) => startTask(task, request.pipeline_id)));
      level.forEach((task, i) => children.push({ task, handle: started[i] }));
    }
    const parent = workflowInfo().parent;
    if (parent) await getExternalWorkflowHandle(parent.workflowId).signal(pipelineSegmentStartedSignal, { index: request.index });
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(settle);
    throw err;
  }
  const outcomes = await settle();
  if (CancellationScope.current().consideredCancelled) throw new CancelledFailure('Pipeline aborted');
  const notCompleted = outcomes.flatMap((outcome, i) =>
    outcome.status === 'rejected' ? [{ key: children[i].task.key, id: children[i].task.id, error: causeOf(outcome.reason) }] : [],
  );
  return { completed: outcomes.length - notCompleted.length, not_completed: notCompleted };
}

/**
 * The tasks in levels: each level only depends on earlier ones. A task asks its upstream tasks
 * to tell it when they end as soon as it starts, so those must exist by then. A task's level is
 * one more than its latest upstream task's (longest path, found in one topological pass, so a
 * chain of 10,000 tasks takes milliseconds); each level keeps the order tasks were given in.
 */
export function upstreamFirst(tasks: readonly PipelineTask[]): PipelineTask[][] {
  const index = new Map(tasks.map((t, i) => [t.id, i]));
  const waiting = new Array<number>(tasks.length).fill(0);
  const downstream: number[][] = tasks.map(() => []);
  tasks.forEach((t, i) => {
    for (const id of new Set(t.request.depends_on ?? [])) {
      const j = index.get(id);
      if (j === undefined) continue;
      downstream[j].push(i);
      waiting[i]++;
    }
  });
  const level = new Array<number>(tasks.length).fill(-1);
  const ready: number[] = [];
  waiting.forEach((count, i) => {
    if (count === 0) {
      level[i] = 0;
      ready.push(i);
    }
  });
  for (let k = 0; k < ready.length; k++) {
    const i = ready[k];
    for (const j of downstream[i]) {
      level[j] = Math.max(level[j], level[i] + 1);
      if (--waiting[j] === 0) ready.push(j);
    }
  }
  const levels: PipelineTask[][] = [];
  const rest: PipelineTask[] = [];
  tasks.forEach((t, i) => {
    if (level[i] < 0) rest.push(t);
    else (levels[level[i]] ??= []).push(t);
  });
  // A cycle is refused before a pipeline starts; should one get here, start the rest anyway.
  if (rest.length > 0) levels.push(rest);
  return levels;
}

function causeOf(reason: unknown): string {
  let err = reason as { message?: string; cause?: unknown } | undefined;
  while (err?.cause) err = err.cause as typeof err;
  return err?.message ?? String(reason);
}
