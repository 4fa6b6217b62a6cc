import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ParentClosePolicy,
  isCancellation,
  setCurrentDetails,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import { SA, newTaskStart, pipelineRunTasks, type PipelineMemo, type PipelineRequest, type PipelineStatus, type PipelineTask, type TaskRequest } from '../core';

/** What every task workflow is, whatever its type. */
type TaskWorkflow = (request: TaskRequest) => Promise<unknown>;

export interface PipelineResult {
  completed: number;
  /** Tasks that did not complete, with how they ended. */
  not_completed: { key: string; id: string; error: string }[];
}

/**
 * A pipeline: the parent workflow of its tasks. It starts every task as a child, upstream tasks
 * first, so each task can ask the tasks it depends on to tell it when they end; the tasks do the
 * waiting (pending, upstream_failed) themselves, exactly as a task started with depends_on alone.
 * Aborting the pipeline is cancelling this workflow: Temporal cancels every child that has not
 * ended, and the pipeline ends aborted once they have.
 */
export async function taskdeck_pipeline(request: PipelineRequest): Promise<PipelineResult> {
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
  upsertMemo({ name: request.name, task_count: request.tasks.length, ...(request.group && { group: request.group }) } satisfies PipelineMemo);
  // A schedule's template gets task ids of this run's own; a request with ids (every pipeline
  // started before templates existed) is used as it is.
  const tasks = pipelineRunTasks(request, workflowId);
  setStatus('running', `${request.tasks.length} tasks`);

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
  const result = { completed: outcomes.length - notCompleted.length, not_completed: notCompleted };
  if (notCompleted.length > 0) {
    setStatus('failed', `${notCompleted.length} of ${outcomes.length} tasks did not complete`);
    throw ApplicationFailure.create({
      type: 'PipelineFailed',
      message: `${notCompleted.length} of ${outcomes.length} tasks did not complete: ${notCompleted.slice(0, 5).map((t) => t.key).join(', ')}`,
      nonRetryable: true,
      details: [result],
    });
  }
  setStatus('completed', `${outcomes.length} tasks completed`);
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

/**
 * The tasks in levels: each level only depends on earlier ones. A task asks its upstream tasks
 * to tell it when they end as soon as it starts, so those must exist by then.
 */
export function upstreamFirst(tasks: readonly PipelineTask[]): PipelineTask[][] {
  const inPipeline = new Set(tasks.map((t) => t.id));
  const placed = new Set<string>();
  const levels: PipelineTask[][] = [];
  let left = [...tasks];
  while (left.length > 0) {
    const level = left.filter((t) => (t.request.depends_on ?? []).every((id) => placed.has(id) || !inPipeline.has(id)));
    // A cycle is refused before a pipeline starts; should one get here, start the rest anyway.
    const next = level.length > 0 ? level : left;
    for (const t of next) placed.add(t.id);
    levels.push(next);
    left = left.filter((t) => !placed.has(t.id));
  }
  return levels;
}

function causeOf(reason: unknown): string {
  let err = reason as { message?: string; cause?: unknown } | undefined;
  while (err?.cause) err = err.cause as typeof err;
  return err?.message ?? String(reason);
}
