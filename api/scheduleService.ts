import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  isGrpcServiceError,
  type Client,
  type ScheduleDescription,
  type ScheduleHandle,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleUpdateOptions,
  type Workflow,
} from '@temporalio/client';
import {
  PIPELINE_WORKFLOW,
  SA,
  TASK_TYPES,
  type PipelineRequest,
  type Principal,
  type ScheduleAction,
  type ScheduleMemo,
  type TaskRequest,
  type TaskTypeId,
} from '../core';
import type { ScheduleBody, ScheduleDetail, ScheduleRun, ScheduleSummary, ScheduleUpdateBody } from '../core/contract';
import { authorize } from './auth';
import { HttpError, conflict, notFound } from './errors';
import type { PipelineService } from './pipelineService';
import { describeSpec, fromTemporalOverlap, toTemporalOverlap, toTemporalSpec } from './scheduleSpec';
import type { TaskIndex } from './taskIndex';
import type { TaskService } from './taskService';
import { readableId } from './workflowArgs';

/** A schedule's page lists this many of its newest runs. */
const RECENT_RUNS = 20;
/** Schedule lists are eventually consistent: what this process just made or deleted is known for this long. */
const RECENT_CHANGE_MS = 60_000;

type StartAction = ScheduleOptionsStartWorkflowAction<Workflow>;

/**
 * Schedules are Temporal Schedules: Temporal keeps them, starts each run and shows them in
 * `temporal schedule list` and its Web UI. Each run starts a task's (or a pipeline's) workflow with
 * the search attributes and memo a new task gets, so it lists in the table at once; Temporal adds
 * TemporalScheduledById and TemporalScheduledStartTime, from which a run's origin and trigger
 * time are read. A schedule made elsewhere whose action starts a Taskdeck workflow is listed too.
 */
export class ScheduleService {
  private readonly created = new Map<string, number>();
  private readonly deleted = new Map<string, number>();

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly index: TaskIndex,
    private readonly tasks: TaskService,
    private readonly pipelines: PipelineService,
  ) {}

  async create(body: ScheduleBody, actor: Principal | undefined): Promise<ScheduleDetail> {
    const id = body.id ?? readableId(body.name ?? body.task?.name ?? body.pipeline?.name, 'schedule');
    const action = await this.action(id, body, actor);
    try {
      await this.client.schedule.create({
        scheduleId: id,
        spec: toTemporalSpec(body.spec),
        action,
        policies: this.policies(body),
        state: { paused: body.paused ?? false, ...(body.note && { note: body.note }) },
        memo: { ...(actor && { taskdeck_user: actor.user }) } satisfies ScheduleMemo,
      });
    } catch (err) {
      if (err instanceof ScheduleAlreadyRunning) throw conflict(`A schedule with id ${id} exists already`);
      throw refused(err);
    }
    this.created.set(id, Date.now());
    this.deleted.delete(id);
    return this.detail(id);
  }

  async list(group?: string): Promise<ScheduleSummary[]> {
    await this.index.whenReady();
    const ids = new Set<string>();
    for await (const summary of this.client.schedule.list()) {
      const type = summary.action?.workflowType;
      if (type && isTaskdeckWorkflow(type)) ids.add(summary.scheduleId);
    }
    const now = Date.now();
    for (const [id, at] of this.created) if (now - at < RECENT_CHANGE_MS) ids.add(id);
    for (const [id, at] of this.deleted) if (now - at < RECENT_CHANGE_MS) ids.delete(id);
    const described = await Promise.all([...ids].map((id) => this.describe(id).catch(() => undefined)));
    return described
      .filter((d): d is ScheduleDescription => d !== undefined && isTaskdeckWorkflow(d.action.workflowType))
      .map((d) => this.view(d))
      .filter((s) => group === undefined || s.group === group)
      .map(({ recent_runs: _runs, runs_taken: _taken, skipped_overlap: _skipped, task: _task, pipeline: _pipeline, ...summary }) => summary)
      .sort((a, b) => (a.group ?? '\uffff').localeCompare(b.group ?? '\uffff') || a.name.localeCompare(b.name));
  }

  async detail(id: string): Promise<ScheduleDetail> {
    await this.index.whenReady();
    const description = await this.describe(id);
    if (!isTaskdeckWorkflow(description.action.workflowType)) throw notFound(`Schedule ${id}`);
    return this.view(description);
  }

  async update(id: string, body: ScheduleUpdateBody, actor: Principal | undefined): Promise<ScheduleDetail> {
    const current = await this.owned(id, actor, 'edit');
    const action = await this.action(id, body, current.user ? { user: current.user, role: actor?.role ?? 'admin' } : actor);
    try {
      await this.handle(id).update(
        (previous): ScheduleUpdateOptions => ({
          spec: toTemporalSpec(body.spec),
          action,
          policies: this.policies(body),
          state: { paused: body.paused ?? previous.state.paused, note: body.note ?? previous.state.note },
        }),
      );
    } catch (err) {
      throw refused(err);
    }
    return this.detail(id);
  }

  async pause(id: string, note: string | undefined, actor: Principal | undefined): Promise<ScheduleDetail> {
    await this.owned(id, actor, 'pause');
    await this.handle(id).pause(note ?? `Paused${actor ? ` by ${actor.user}` : ''} in Taskdeck`);
    return this.detail(id);
  }

  async unpause(id: string, note: string | undefined, actor: Principal | undefined): Promise<ScheduleDetail> {
    await this.owned(id, actor, 'unpause');
    await this.handle(id).unpause(note ?? `Unpaused${actor ? ` by ${actor.user}` : ''} in Taskdeck`);
    return this.detail(id);
  }

  /** Runs now: allowed to overlap, since whoever presses "Run now" wants a run. */
  async trigger(id: string, actor: Principal | undefined): Promise<{ id: string; triggered_at: string }> {
    await this.owned(id, actor, 'trigger');
    const at = new Date().toISOString();
    await this.handle(id).trigger('ALLOW_ALL');
    return { id, triggered_at: at };
  }

  /** Deletes the Temporal Schedule; the runs it started are workflows of their own and stay. */
  async delete(id: string, actor: Principal | undefined): Promise<{ id: string; deleted: true }> {
    await this.owned(id, actor, 'delete');
    await this.handle(id).delete();
    this.deleted.set(id, Date.now());
    this.created.delete(id);
    return { id, deleted: true };
  }

  /** The action of every run: the workflow of the task (or pipeline), as the API would start it. */
  private async action(id: string, body: ScheduleUpdateBody, actor: Principal | undefined): Promise<StartAction> {
    const group = body.group;
    if (body.pipeline) {
      const request = await this.pipelines.prepare({ ...body.pipeline, ...(body.name && { name: body.name }) }, actor, { template: true, group, at: ['pipeline'] });
      const start = this.pipelines.startAttributes(request);
      return { type: 'startWorkflow', workflowType: PIPELINE_WORKFLOW, workflowId: id, taskQueue: this.taskQueue, args: [request], ...start };
    }
    const { type, input, depends_on: dependsOn, ...meta } = body.task!;
    if (dependsOn?.length) {
      throw new HttpError(400, 'task.depends_on: each run of a schedule is new, so it cannot wait for fixed tasks; schedule a pipeline instead', 'task.depends_on');
    }
    const prepared = await this.tasks.prepare(
      { type: type as TaskTypeId, input, meta: { ...meta, name: meta.name ?? body.name ?? id, ...(group && { group }) } },
      actor,
      ['task'],
    );
    return {
      type: 'startWorkflow',
      workflowType: prepared.type,
      workflowId: id,
      taskQueue: this.taskQueue,
      args: [prepared.request],
      // Without the time of update: each run bumps it itself when its workflow begins.
      typedSearchAttributes: prepared.start.searchAttributes.filter((pair) => pair.key.name !== SA.updatedAt.name),
      memo: prepared.start.memo,
      staticSummary: prepared.start.summary,
    };
  }

  private policies(body: ScheduleUpdateBody) {
    return {
      overlap: toTemporalOverlap(body.policy.overlap),
      ...(body.policy.catchup_window_seconds !== undefined && { catchupWindow: body.policy.catchup_window_seconds * 1000 }),
      ...(body.policy.pause_on_failure !== undefined && { pauseOnFailure: body.policy.pause_on_failure }),
    };
  }

  /** The schedule, after the role check: a user acts only on its own. */
  private async owned(id: string, actor: Principal | undefined, action: ScheduleAction): Promise<ScheduleDetail> {
    const schedule = await this.detail(id);
    authorize(actor, action, schedule, 'schedule');
    return schedule;
  }

  private handle(id: string): ScheduleHandle {
    return this.client.schedule.getHandle(id);
  }

  private async describe(id: string): Promise<ScheduleDescription> {
    try {
      return await this.handle(id).describe();
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) throw notFound(`Schedule ${id}`);
      throw err;
    }
  }

  private view(d: ScheduleDescription): ScheduleDetail {
    const action = d.action;
    const isPipeline = action.workflowType === PIPELINE_WORKFLOW;
    const [argument] = (action.args ?? []) as unknown[];
    const memo = (d.memo ?? {}) as ScheduleMemo;
    const runs = this.runs(d);
    let name = d.scheduleId;
    let group: string | null = null;
    let user: string | null = memo.taskdeck_user ?? null;
    let tasks: ScheduleSummary['action']['tasks'] = [];
    let task: unknown = null;
    let pipeline: unknown = null;
    if (isPipeline) {
      const request = (argument ?? { name: d.scheduleId, tasks: [] }) as PipelineRequest;
      name = request.name ?? name;
      group = request.group ?? null;
      user ??= request.user ?? null;
      const keyOf = new Map(request.tasks.map((t) => [t.id, t.key]));
      tasks = request.tasks.map((t) => ({ key: t.key, type: t.type, depends_on: (t.request.depends_on ?? []).map((upstream) => keyOf.get(upstream) ?? upstream) }));
      pipeline = {
        name: request.name,
        ...(request.tag && { tag: request.tag }),
        tasks: request.tasks.map((t) => {
          const { input, depends_on: _ids, pipeline_id: _p, user: _u, group: _g, needs_approval: _a, name: _n, ...meta } = t.request;
          return { key: t.key, type: t.type, input, ...meta, ...(t.request.depends_on?.length && { depends_on: t.request.depends_on.map((upstream) => keyOf.get(upstream) ?? upstream) }) };
        }),
      };
    } else {
      const request = (argument ?? {}) as TaskRequest;
      const { input, group: requestGroup, user: requestUser, needs_approval: _approval, ...meta } = request;
      name = request.name ?? name;
      group = requestGroup ?? null;
      user ??= requestUser ?? null;
      tasks = [{ key: request.name ?? action.workflowType, type: action.workflowType, depends_on: [] }];
      task = { type: action.workflowType, input, ...meta };
    }
    return {
      id: d.scheduleId,
      name,
      group,
      user,
      state: d.state.paused ? 'paused' : 'active',
      note: d.state.note || null,
      spec: describeSpec(d.spec),
      policy: {
        overlap: fromTemporalOverlap(d.policies.overlap),
        catchup_window_seconds: d.policies.catchupWindow / 1000,
        pause_on_failure: d.policies.pauseOnFailure,
      },
      action: { kind: isPipeline ? 'pipeline' : 'task', workflow_type: action.workflowType, tasks },
      next_runs: d.info.nextActionTimes.slice(0, 5).map((t) => t.toISOString()),
      last_run: runs[0] ?? null,
      created_at: d.info.createdAt.toISOString(),
      recent_runs: runs.slice(0, RECENT_RUNS),
      runs_taken: d.info.numActionsTaken,
      skipped_overlap: d.info.numActionsSkippedOverlap,
      task,
      pipeline,
    };
  }

  /**
   * The schedule's runs, newest first: those the index holds (its TemporalScheduledById), and the
   * latest actions Temporal reports that the index has not seen yet, as pending.
   */
  private runs(d: ScheduleDescription): ScheduleRun[] {
    const id = d.scheduleId;
    const runs = new Map<string, ScheduleRun>();
    for (const r of this.index.group('schedule_id', id)) {
      runs.set(r.id, { id: r.id, kind: 'task', status: r.status, trigger_time: r.trigger_time, created_at: r.created_at, started_at: r.started_at, end_date: r.end_date });
    }
    for (const p of this.index.pipelines()) {
      if (p.schedule_id !== id) continue;
      runs.set(p.id, { id: p.id, kind: 'pipeline', status: p.status, trigger_time: p.trigger_time, created_at: p.created_at, started_at: p.started_at, end_date: p.end_date });
    }
    const kind = d.action.workflowType === PIPELINE_WORKFLOW ? 'pipeline' : 'task';
    for (const action of d.info.recentActions) {
      const runId = action.action.workflow.workflowId;
      if (runs.has(runId)) continue;
      const at = action.scheduledAt.toISOString();
      runs.set(runId, { id: runId, kind, status: kind === 'pipeline' ? 'running' : 'pending', trigger_time: at, created_at: action.takenAt.toISOString(), started_at: null, end_date: null });
    }
    return [...runs.values()].sort((a, b) => b.trigger_time.localeCompare(a.trigger_time) || b.created_at.localeCompare(a.created_at));
  }
}

function isTaskdeckWorkflow(type: string): boolean {
  return type in TASK_TYPES || type === PIPELINE_WORKFLOW;
}

/** What the server refuses in a schedule (a cron it cannot parse, a time zone it does not know) is a 400. */
function refused(err: unknown): unknown {
  if (isGrpcServiceError(err) && err.code === 3) {
    const message = err.details || err.message;
    const field = /time ?zone/i.test(message) ? 'spec.timezone' : /cron|calendar/i.test(message) ? 'spec.cron' : 'spec';
    return new HttpError(400, `${field}: ${message}`, field);
  }
  return err;
}
