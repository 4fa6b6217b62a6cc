import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { SA, TASK_STATUSES, isFinished, mayAct, type Principal, type TaskStatus, type TaskTypeId } from '../core';
import { MAX_BATCH, type BatchBody, type BatchSummary, type BulkBody, type BulkOutcome, type TaskRecord } from '../core/contract';
import { HttpError, notFound } from './errors';
import type { TaskIndex } from './taskIndex';
import { present } from './taskRecord';
import type { TaskService } from './taskService';
import { literal } from './visibilityQuery';
import { readableId } from './workflowArgs';

/** Starts and retries run this many at a time: fast, without flooding the frontend. */
const CONCURRENCY = 8;

/** Batches of tasks and actions on many tasks at once. */
export class BatchService {
  constructor(
    private readonly client: Client,
    private readonly namespace: string,
    private readonly index: TaskIndex,
    private readonly tasks: TaskService,
  ) {}

  /** Starts every task of the batch under one batch id; a task that cannot start is reported, not fatal. */
  async start(body: BatchBody, actor: Principal | undefined): Promise<{ id: string; tasks: TaskRecord[]; failed: { index: number; status: number; error: string }[] }> {
    const id = readableId(body.name, 'batch');
    // Every task is checked before any starts: a bad one refuses the whole batch.
    const prepared = body.tasks.map(({ type, input, ...meta }, i) =>
      this.tasks.prepare({ type: type as TaskTypeId, input, meta: { ...meta, batch_id: id } }, actor, ['tasks', String(i)]),
    );
    const tasks: TaskRecord[] = [];
    const failed: { index: number; status: number; error: string }[] = [];
    await eachLimited(prepared, async (task, index) => {
      try {
        tasks[index] = await this.tasks.start(task);
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        failed.push({ index, status: err.status, error: err.message });
      }
    });
    return { id, tasks: tasks.filter(Boolean), failed: failed.sort((a, b) => a.index - b.index) };
  }

  async summary(id: string): Promise<BatchSummary> {
    await this.index.whenReady();
    const tasks = this.index.group('batch_id', id).sort((a, b) => a.created_at.localeCompare(b.created_at));
    if (tasks.length === 0) throw notFound(`Batch ${id}`);
    const counts: Partial<Record<TaskStatus, number>> = {};
    for (const status of TASK_STATUSES) {
      const n = tasks.filter((t) => t.status === status).length;
      if (n) counts[status] = n;
    }
    const finished = tasks.filter((t) => isFinished(t.status)).length;
    const progress = Math.floor(tasks.reduce((sum, t) => sum + (isFinished(t.status) ? 100 : t.progress), 0) / tasks.length);
    return { id, total: tasks.length, progress, counts, finished, tasks: tasks.map((t) => present(t)) };
  }

  /**
   * Aborts every unfinished task of the batch with one Temporal batch operation that selects the
   * tasks by their batch search attribute, so tasks the API has not indexed yet are caught too. A
   * user's operation selects only its own tasks.
   */
  async abortBatch(id: string, actor: Principal | undefined): Promise<{ batch_id: string; job_id: string; query: string }> {
    await this.summary(id);
    let query = `${SA.batch.name} = ${literal(id)} AND ExecutionStatus = 'Running'`;
    if (actor?.role === 'user') query += ` AND ${SA.user.name} = ${literal(actor.user)}`;
    const jobId = randomUUID();
    await this.client.workflowService.startBatchOperation({
      namespace: this.namespace,
      jobId,
      reason: `Taskdeck: abort batch ${id}${actor ? ` by ${actor.user}` : ''}`,
      visibilityQuery: query,
      cancellationOperation: { identity: actor?.user ?? 'taskdeck' },
    });
    return { batch_id: id, job_id: jobId, query };
  }

  /**
   * Aborts the chosen tasks: each is checked as a single abort would be (known, unfinished, the
   * caller's role), then one Temporal batch operation cancels all that passed.
   */
  async bulkAbort(body: BulkBody, actor: Principal | undefined): Promise<BulkOutcome> {
    const { targets, refused } = await this.targets(body);
    const accepted: { id: string; run_id: string }[] = [];
    for (const record of targets) {
      if (!mayAct(actor, 'abort', record.user)) refused.push({ id: record.id, status: 403, error: `Forbidden: role user (${actor!.user}) may not abort task ${record.id}` });
      else if (isFinished(record.status)) refused.push({ id: record.id, status: 409, error: `Task ${record.id} is already ${record.status}` });
      else accepted.push({ id: record.id, run_id: record.run_id });
    }
    if (accepted.length === 0) return { accepted: [], refused };
    const jobId = randomUUID();
    await this.client.workflowService.startBatchOperation({
      namespace: this.namespace,
      jobId,
      reason: `Taskdeck: bulk abort of ${accepted.length} tasks${actor ? ` by ${actor.user}` : ''}`,
      executions: accepted.map((a) => ({ workflowId: a.id, runId: a.run_id })),
      cancellationOperation: { identity: actor?.user ?? 'taskdeck' },
    });
    return { accepted: accepted.map(({ id }) => ({ id })), refused, job_id: jobId };
  }

  /** Retries the chosen tasks; Temporal has no batch retry, so this starts them a few at a time. */
  async bulkRetry(body: BulkBody, actor: Principal | undefined): Promise<BulkOutcome> {
    const { targets, refused } = await this.targets(body);
    const accepted: { id: string; retry_id: string }[] = [];
    await eachLimited(targets, async (record) => {
      try {
        accepted.push({ id: record.id, retry_id: (await this.tasks.retry(record.id, actor)).id });
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        refused.push({ id: record.id, status: err.status, error: err.message });
      }
    });
    return { accepted, refused };
  }

  /** The tasks a bulk body names: listed ids (unknown ones refused as 404) or every match of a filter. */
  private async targets(body: BulkBody): Promise<{ targets: TaskRecord[]; refused: BulkOutcome['refused'] }> {
    await this.index.whenReady();
    if (body.ids) {
      const refused: BulkOutcome['refused'] = [];
      const targets: TaskRecord[] = [];
      for (const id of new Set(body.ids)) {
        const record = this.index.get(id);
        if (record) targets.push(record);
        else refused.push({ id, status: 404, error: `Task ${id} not found` });
      }
      return { targets, refused };
    }
    const { total, items } = this.index.query({ ...body.filter!, offset: 0, limit: MAX_BATCH });
    if (total > MAX_BATCH) throw new HttpError(400, `filter: matches ${total} tasks; a bulk action covers at most ${MAX_BATCH}`, 'filter');
    return { targets: items, refused: [] };
  }
}

/** Runs `work` over `items`, CONCURRENCY at a time. */
async function eachLimited<T>(items: readonly T[], work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, lane));
}
