import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  PIPELINE_SIGNAL_TASKS,
  PIPELINE_WORKFLOW,
  SA,
  pipelineSegmentId,
  pipelineTasksSignal,
  TASK_STATUSES,
  expectedFinish,
  findCycle,
  medianMs,
  pipelineRunTasks,
  type PipelineMemo,
  type PipelineRequest,
  type PipelineSegmentRequest,
  type PipelineTask,
  type Principal,
  type TaskStatus,
  type TaskTypeId,
} from '../core';
import { MAX_WINDOW_HOURS, type PipelineBody, type PipelineDetail, type PipelineSummary, type TaskRecord } from '../core/contract';
import { authorize } from './auth';
import { HttpError, conflict, notFound } from './errors';
import { toPipelineRecord, type PipelineRecord } from './pipelineRecord';
import { durationMs } from './taskRecord';
import type { TaskIndex } from './taskIndex';
import { allInOrder, type TaskService } from './taskService';
import { readableId, workflowArgument } from './workflowArgs';

/** How many earlier runs of a pipeline, and completed tasks of a type, an expected end is made from. */
const EARLIER_RUNS = 5;
const TYPE_SAMPLES = 20;
/**
 * How long a running pipeline keeps what its expected end read of its earlier runs: the web app's
 * pipeline bar asks every 3 s, and reading the task rows of 5 runs of up to 10,000 tasks each
 * time is most of the answer's cost.
 */
const EARLIER_RUNS_KEPT_MS = 30_000;

/** What an expected end reads of a running pipeline's earlier runs (PipelineService.expectedEnd). */
interface EarlierRuns {
  /** The runs it was read from and their statuses: when one of them ends, or a run is added, they are read again. */
  runs: string;
  count: number;
  /** The median duration of each task key in those runs. */
  byKey: Map<string, number>;
  /** The median of the latest completed tasks of each type, filled as asked. */
  byType: Map<string, number | undefined>;
  until: number;
}

/** Pipelines: a parent workflow per pipeline, its tasks as children (workflows/pipeline.ts). */
export class PipelineService {
  /** What a pipeline was started with never changes: keys and edges are read from history once. */
  private readonly shapes = new Map<string, Pick<PipelineDetail, 'tasks' | 'edges'>>();
  /** By running pipeline id; see EARLIER_RUNS_KEPT_MS. */
  private readonly earlierRuns = new Map<string, EarlierRuns>();

  constructor(
    private readonly client: Client,
    private readonly namespace: string,
    private readonly taskQueue: string,
    private readonly index: TaskIndex,
    private readonly tasks: TaskService,
    /** A pipeline of more tasks runs in segments of this many (workflows/pipeline.ts). */
    private readonly segmentTasks: number,
  ) {}

  /**
   * Checks a whole pipeline as every way of starting one must (each task's type and input as
   * POST /tasks would, unique keys, known edges, no cycle) and makes the pipeline workflow's
   * argument. `template`: for a schedule, whose every run gives its tasks ids of their own.
   */
  async prepare(body: PipelineBody, actor: Principal | undefined, options: { template?: boolean; group?: string; at?: string[] } = {}): Promise<PipelineRequest> {
    const at = options.at ?? [];
    const field = (...path: string[]) => [...at, ...path].join('.');
    // A schedule's runs start from the action's argument alone, so no run can take its tasks in signals.
    if (options.template && body.tasks.length > this.segmentTasks) {
      throw new HttpError(400, `${field('tasks')}: a scheduled pipeline has at most ${this.segmentTasks} tasks (TASKDECK_PIPELINE_SEGMENT_TASKS), this one ${body.tasks.length}`, field('tasks'));
    }
    const keys = new Map<string, number>();
    body.tasks.forEach((task, i) => {
      if (keys.has(task.key)) throw new HttpError(400, `${field('tasks', String(i), 'key')}: '${task.key}' is already the key of tasks.${keys.get(task.key)}`, field('tasks', String(i), 'key'));
      keys.set(task.key, i);
    });
    body.tasks.forEach((task, i) =>
      task.depends_on?.forEach((key, j) => {
        const name = field('tasks', String(i), 'depends_on', String(j));
        if (!keys.has(key)) throw new HttpError(400, `${name}: no task with key '${key}' in this pipeline`, name);
      }),
    );
    const cycle = findCycle(new Map(body.tasks.map((task) => [task.key, task.depends_on ?? []])));
    if (cycle) throw new HttpError(400, `${field('tasks')}: the edges make a cycle, ${cycle.join(' → ')}; a pipeline must be acyclic`, field('tasks'));

    const group = options.group ?? body.group;
    const ids = new Map(body.tasks.map((task) => [task.key, options.template ? task.key : randomUUID()]));
    const tasks: PipelineTask[] = await allInOrder(
      body.tasks.map(async ({ key, type, input, depends_on: upstream, ...given }, i) => {
        const dependsOn = [...new Set(upstream ?? [])].map((k) => ids.get(k)!);
        const meta = { name: key, tag: body.tag, ...given, ...(group && { group }), ...(dependsOn.length && { depends_on: dependsOn }) };
        // The pipeline workflow starts its children with what `prepare` made, as the API would start them.
        const prepared = await this.tasks.prepare({ type: type as TaskTypeId, input, meta }, actor, [...at, 'tasks', String(i)]);
        // A dataset to create that exists already refuses the pipeline now, not when its turn comes.
        await this.tasks.checkNewDataset(prepared, [...at, 'tasks', String(i)]);
        return { key, id: ids.get(key)!, type: type as TaskTypeId, request: prepared.request };
      }),
    );
    return { name: body.name, tag: body.tag, user: actor?.user, ...(group && { group }), ...(options.template && { per_run_ids: true }), tasks };
  }

  /** What a pipeline workflow lists with from its start (it sets the same itself, with its id). */
  startAttributes(request: PipelineRequest) {
    return {
      typedSearchAttributes: [
        { key: SA.status, value: 'running' },
        { key: SA.updatedAt, value: new Date() },
        ...(request.user ? [{ key: SA.user, value: request.user }] : []),
        ...(request.tag ? [{ key: SA.tag, value: request.tag }] : []),
      ],
      memo: { name: request.name, task_count: request.tasks.length, ...(request.group && { group: request.group }) } satisfies PipelineMemo,
      staticSummary: `Taskdeck pipeline: ${request.name} (${request.tasks.length} tasks)`,
    };
  }

  /** Starts a checked pipeline: the one parent workflow. */
  async start(body: PipelineBody, actor: Principal | undefined): Promise<PipelineDetail> {
    const request = await this.prepare(body, actor);
    const { tasks } = request;
    const id = readableId(body.name, 'pipeline');
    const start = this.startAttributes(request);
    const options = {
      taskQueue: this.taskQueue,
      workflowId: id,
      ...start,
      typedSearchAttributes: [{ key: SA.pipeline, value: id }, ...start.typedSearchAttributes],
    };
    let runId: string;
    if (tasks.length <= this.segmentTasks) {
      runId = (await this.client.workflow.start(PIPELINE_WORKFLOW, { ...options, args: [request] })).firstExecutionRunId;
    } else {
      // Too many tasks for one start argument (2 MB) and one parent: they go in signals, the first with the start.
      const size = Math.min(PIPELINE_SIGNAL_TASKS, this.segmentTasks);
      const part = (offset: number) => ({ offset, tasks: tasks.slice(offset, offset + size) });
      const big: PipelineRequest = { ...request, tasks: [], task_count: tasks.length, segment_size: this.segmentTasks };
      const handle = await this.client.workflow.signalWithStart(PIPELINE_WORKFLOW, { ...options, args: [big], signal: pipelineTasksSignal, signalArgs: [part(0)] });
      for (let offset = size; offset < tasks.length; offset += size) await handle.signal(pipelineTasksSignal, part(offset));
      runId = handle.signaledRunId;
    }
    // Known without asking Temporal again; the next poll brings visibility's own row.
    const now = new Date().toISOString();
    this.index.putPipeline({
      id,
      name: body.name,
      status: 'running',
      created_at: now,
      trigger_time: now,
      started_at: now,
      end_date: null,
      user: actor?.user ?? null,
      tag: body.tag ?? null,
      group: request.group ?? null,
      schedule_id: null,
      task_count: tasks.length,
      run_id: runId,
    });
    this.shapes.set(id, shapeOf(request, id));
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
    const shape = await this.shape(id);
    return { ...summarize(record, tasks), ...shape, expected_end: record.status === 'running' ? this.expectedEnd(record, tasks, shape) : null };
  }

  /**
   * When a running pipeline should end (core/expectedFinish.ts): each task is expected to take the
   * median of what the task of its key took in the latest earlier runs of a pipeline of the same
   * name, or, without those, of the latest completed tasks of its type.
   */
  private expectedEnd(record: PipelineRecord, tasks: readonly TaskRecord[], shape: Pick<PipelineDetail, 'tasks' | 'edges'>): PipelineDetail['expected_end'] {
    const now = Date.now();
    const earlier = this.earlierRunsOf(record, now);
    const ofType = (type: string): number | undefined => {
      if (!earlier.byType.has(type)) {
        const { items } = this.index.query({ task_type: [type], status: ['completed'], sort: 'time', order: 'desc', limit: TYPE_SAMPLES, offset: 0, within_hours: MAX_WINDOW_HOURS });
        earlier.byType.set(type, medianMs(items.flatMap((t) => (t.duration_ms === null ? [] : [t.duration_ms]))));
      }
      return earlier.byType.get(type);
    };
    const rows = new Map(tasks.map((t) => [t.id, t]));
    let fromRuns = false;
    const finishTasks = shape.tasks.map(({ key, id }) => {
      const row = rows.get(id);
      const known = earlier.byKey.get(key);
      fromRuns ||= known !== undefined;
      return { id, started_at: row?.started_at, end_date: row?.end_date, expected_ms: known ?? (row ? ofType(row.task_type) : undefined) };
    });
    const at = expectedFinish(finishTasks, shape.edges, now);
    return at === undefined ? null : { at: new Date(at).toISOString(), earlier_runs: fromRuns ? earlier.count : 0 };
  }

  /** The latest earlier runs of a pipeline's name, read again only when they change or EARLIER_RUNS_KEPT_MS passed. */
  private earlierRunsOf(record: PipelineRecord, now: number): EarlierRuns {
    const earlier = [...this.index.pipelines()]
      .filter((p) => p.name === record.name && p.id !== record.id && p.created_at < record.created_at)
      .sort((a, b) => b.created_at.localeCompare(a.created_at))
      .slice(0, EARLIER_RUNS);
    const runs = earlier.map((p) => `${p.id} ${p.status}`).join('\n');
    const kept = this.earlierRuns.get(record.id);
    if (kept && kept.runs === runs && kept.until > now) return kept;
    for (const [id, entry] of this.earlierRuns) if (entry.until <= now) this.earlierRuns.delete(id);
    const durations = new Map<string, number[]>();
    for (const run of earlier) {
      for (const task of this.index.group('pipeline_id', run.id)) {
        const ms = durationMs(task, now);
        // A pipeline names its tasks by their keys.
        if (task.status === 'completed' && task.name && ms !== null) durations.set(task.name, [...(durations.get(task.name) ?? []), ms]);
      }
    }
    const byKey = new Map([...durations].map(([key, values]) => [key, medianMs(values)!]));
    const entry = { runs, count: earlier.length, byKey, byType: new Map(), until: now + EARLIER_RUNS_KEPT_MS };
    this.earlierRuns.set(record.id, entry);
    return entry;
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
    const tasks = request?.segment_size === undefined ? (request?.tasks ?? []) : await this.segmentTasksOf(id, request);
    const shape = shapeOf({ ...(request ?? { name: id }), tasks }, id);
    this.shapes.set(id, shape);
    return shape;
  }

  /** A big pipeline's tasks, from its segments' start arguments (its own came in signals). */
  private async segmentTasksOf(id: string, request: PipelineRequest): Promise<PipelineTask[]> {
    const tasks: PipelineTask[] = [];
    const segments = Math.ceil((request.task_count ?? 0) / request.segment_size!);
    for (let i = 0; i < segments; i++) {
      const segment = await workflowArgument<PipelineSegmentRequest>(this.client, this.namespace, pipelineSegmentId(id, i)).catch(() => undefined);
      tasks.push(...(segment?.tasks ?? []));
    }
    return tasks;
  }

}

function shapeOf(request: PipelineRequest, id: string): Pick<PipelineDetail, 'tasks' | 'edges'> {
  const tasks = pipelineRunTasks(request, id);
  return {
    tasks: tasks.map(({ key, id }) => ({ key, id })),
    edges: tasks.flatMap((task) => (task.request.depends_on ?? []).map((upstream) => ({ source: upstream, target: task.id }))),
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
  // Work done: a completed task counts 100, one that ended otherwise how far it got (a failed
  // pipeline whose tasks all ended is not at 100%), one not started yet 0.
  const done = tasks.reduce((sum, t) => sum + (t.status === 'completed' ? 100 : t.progress), 0);
  return {
    id: record.id,
    name: record.name,
    status: record.status,
    created_at: record.created_at,
    end_date: record.end_date,
    user: record.user,
    tag: record.tag,
    group: record.group,
    schedule_id: record.schedule_id,
    task_count: record.task_count,
    counts,
    progress: total ? Math.floor(done / total) : 0,
  };
}
