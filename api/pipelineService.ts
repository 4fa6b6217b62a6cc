import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  PIPELINE_WORKFLOW,
  SA,
  TASK_STATUSES,
  findCycle,
  isFinished,
  type PipelineMemo,
  type PipelineRequest,
  type PipelineTask,
  type Principal,
  type TaskStatus,
  type TaskTypeId,
} from '../core';
import type { PipelineBody, PipelineDetail, PipelineSummary } from '../core/contract';
import { authorize } from './auth';
import { HttpError, conflict, notFound } from './errors';
import { toPipelineRecord, type PipelineRecord } from './pipelineRecord';
import type { TaskIndex } from './taskIndex';
import type { TaskService } from './taskService';
import { readableId, workflowArgument } from './workflowArgs';

/** Pipelines: a parent workflow per pipeline, its tasks as children (workflows/pipeline.ts). */
export class PipelineService {
  /** What a pipeline was started with never changes: keys and edges are read from history once. */
  private readonly shapes = new Map<string, Pick<PipelineDetail, 'tasks' | 'edges'>>();

  constructor(
    private readonly client: Client,
    private readonly namespace: string,
    private readonly taskQueue: string,
    private readonly index: TaskIndex,
    private readonly tasks: TaskService,
  ) {}

  /**
   * Checks the whole pipeline before anything starts (each task's type and input as POST /tasks
   * would, unique keys, known edges, no cycle), then starts the one parent workflow.
   */
  async start(body: PipelineBody, actor: Principal | undefined): Promise<PipelineDetail> {
    const keys = new Map<string, number>();
    body.tasks.forEach((task, i) => {
      if (keys.has(task.key)) throw new HttpError(400, `tasks.${i}.key: '${task.key}' is already the key of tasks.${keys.get(task.key)}`, `tasks.${i}.key`);
      keys.set(task.key, i);
    });
    body.tasks.forEach((task, i) =>
      task.depends_on?.forEach((key, j) => {
        if (!keys.has(key)) throw new HttpError(400, `tasks.${i}.depends_on.${j}: no task with key '${key}' in this pipeline`, `tasks.${i}.depends_on.${j}`);
      }),
    );
    const cycle = findCycle(new Map(body.tasks.map((task) => [task.key, task.depends_on ?? []])));
    if (cycle) throw new HttpError(400, `tasks: the edges make a cycle, ${cycle.join(' → ')}; a pipeline must be acyclic`, 'tasks');

    const ids = new Map(body.tasks.map((task) => [task.key, randomUUID()]));
    const tasks: PipelineTask[] = body.tasks.map(({ key, type, input, depends_on: upstream, ...given }, i) => {
      const dependsOn = [...new Set(upstream ?? [])].map((k) => ids.get(k)!);
      const meta = { name: key, tag: body.tag, ...given, ...(dependsOn.length && { depends_on: dependsOn }) };
      // The pipeline workflow starts its children with what `prepare` made, as the API would start them.
      const { request } = this.tasks.prepare({ type: type as TaskTypeId, input, meta }, actor, ['tasks', String(i)]);
      return { key, id: ids.get(key)!, type: type as TaskTypeId, request };
    });

    const id = readableId(body.name, 'pipeline');
    const request: PipelineRequest = { name: body.name, tag: body.tag, user: actor?.user, tasks };
    const handle = await this.client.workflow.start(PIPELINE_WORKFLOW, {
      taskQueue: this.taskQueue,
      workflowId: id,
      args: [request],
      typedSearchAttributes: [
        { key: SA.pipeline, value: id },
        { key: SA.status, value: 'running' },
        { key: SA.updatedAt, value: new Date() },
        ...(actor ? [{ key: SA.user, value: actor.user }] : []),
        ...(body.tag ? [{ key: SA.tag, value: body.tag }] : []),
      ],
      memo: { name: body.name, task_count: tasks.length } satisfies PipelineMemo,
      staticSummary: `Taskdeck pipeline: ${body.name} (${tasks.length} tasks)`,
    });
    // Known without asking Temporal again; the next poll brings visibility's own row.
    this.index.putPipeline({
      id,
      name: body.name,
      status: 'running',
      created_at: new Date().toISOString(),
      end_date: null,
      user: actor?.user ?? null,
      tag: body.tag ?? null,
      task_count: tasks.length,
      run_id: handle.firstExecutionRunId,
    });
    this.shapes.set(id, shapeOf(request));
    return this.detail(id);
  }

  /** Every pipeline of the 14-day window, newest first, with its tasks' counts. */
  async list(): Promise<PipelineSummary[]> {
    await this.index.whenReady();
    return [...this.index.pipelines()]
      .sort((a, b) => b.created_at.localeCompare(a.created_at))
      .map((record) => summarize(record, this.index.group('pipeline_id', record.id)));
  }

  async detail(id: string): Promise<PipelineDetail> {
    await this.index.whenReady();
    const record = await this.record(id);
    const tasks = this.index.group('pipeline_id', id);
    return { ...summarize(record, tasks), ...(await this.shape(id)) };
  }

  /** Cancels the pipeline workflow: Temporal cancels each of its unfinished tasks. */
  async abort(id: string, actor: Principal | undefined): Promise<PipelineDetail> {
    const record = await this.record(id);
    authorize(actor, 'abort', record, 'pipeline');
    if (record.status !== 'running') throw conflict(`Pipeline ${id} is already ${record.status}; only a running pipeline can be aborted`);
    await this.client.workflow.getHandle(id).cancel();
    return this.detail(id);
  }

  /** From the index, or from Temporal for a pipeline the index has not seen yet (or outside the window). */
  private async record(id: string): Promise<PipelineRecord> {
    const known = this.index.pipeline(id);
    if (known) return known;
    try {
      const description = await this.client.workflow.getHandle(id).describe();
      if (description.type !== PIPELINE_WORKFLOW) throw notFound(`Pipeline ${id}`);
      return toPipelineRecord(description);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(`Pipeline ${id}`);
      throw err;
    }
  }

  private async shape(id: string): Promise<Pick<PipelineDetail, 'tasks' | 'edges'>> {
    const known = this.shapes.get(id);
    if (known) return known;
    const request = await workflowArgument<PipelineRequest>(this.client, this.namespace, id);
    const shape = shapeOf(request ?? { name: id, tasks: [] });
    this.shapes.set(id, shape);
    return shape;
  }

}

function shapeOf(request: PipelineRequest): Pick<PipelineDetail, 'tasks' | 'edges'> {
  return {
    tasks: request.tasks.map(({ key, id }) => ({ key, id })),
    edges: request.tasks.flatMap((task) => (task.request.depends_on ?? []).map((upstream) => ({ source: upstream, target: task.id }))),
  };
}

/** The pipeline with its tasks' counts; tasks not started yet count as pending. */
function summarize(record: PipelineRecord, tasks: readonly { status: TaskStatus; progress: number }[]): PipelineSummary {
  const counts: Partial<Record<TaskStatus, number>> = {};
  for (const status of TASK_STATUSES) {
    const n = tasks.filter((t) => t.status === status).length;
    if (n) counts[status] = n;
  }
  const total = Math.max(record.task_count, tasks.length);
  const done = tasks.reduce((sum, t) => sum + (isFinished(t.status) ? 100 : t.progress), 0);
  return {
    id: record.id,
    name: record.name,
    status: record.status,
    created_at: record.created_at,
    end_date: record.end_date,
    user: record.user,
    tag: record.tag,
    task_count: record.task_count,
    counts,
    progress: total ? Math.floor(done / total) : 0,
  };
}
