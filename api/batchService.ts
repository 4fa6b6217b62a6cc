import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { BULK_RETRY_WORKFLOW, SA, TASK_STATUSES, isFinished, mayAct, newTaskStart, type BulkRetryRequest, type Principal, type TaskStatus, type TaskTypeId } from '../core';
import { MAX_BATCH, type BatchBody, type BatchListItem, type BatchStatus, type BatchSummary, type BulkBody, type BulkOutcome, type TaskRecord } from '../core/contract';
import { HttpError, notFound } from './errors';
import type { TaskIndex } from './taskIndex';
import { present } from './taskRecord';
import { allInOrder, type TaskService } from './taskService';
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
    const prepared = await allInOrder(
      body.tasks.map(({ type, input, ...meta }, i) =>
        this.tasks.prepare({ type: type as TaskTypeId, input, meta: { ...meta, batch_id: id } }, actor, ['tasks', String(i)]),
      ),
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
    return { ...batchFacts(id, tasks), tasks: tasks.map((t) => present(t)) };
  }

  /** Every batch of the window, newest first, without its tasks. */
  async list(): Promise<BatchListItem[]> {
    await this.index.whenReady();
    // From the index's batch lists: O(the batches' tasks), not O(the window).
    return [...this.index.groupValues('batch_id').keys()]
      .map((id) => {
        const tasks = this.index.group('batch_id', id);
        tasks.sort((a, b) => a.created_at.localeCompare(b.created_at));
        const facts = batchFacts(id, tasks);
        const ends = tasks.map((t) => t.end_date);
        return {
          ...facts,
          status: batchStatus(tasks),
          created_at: tasks[0].created_at,
          end_date: facts.finished === facts.total ? ends.reduce((a, b) => (b && (!a || b > a) ? b : a), null) : null,
          user: tasks[0].user,
        };
      })
      .sort((a, b) => b.created_at.localeCompare(a.created_at) || a.id.localeCompare(b.id));
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

  /**
   * Retries the chosen tasks in the background: each is checked at once as a single retry would be
   * (known, finished, the caller's role), and a bulk-retry task (workflows/bulkRetry.ts) retries
   * those that passed, through an API process's activity, with its progress in the table. Temporal
   * has no batch retry; a request that started a thousand tasks itself would outlive its client.
   */
  async bulkRetry(body: BulkBody, actor: Principal | undefined): Promise<BulkOutcome> {
    const { targets, refused } = await this.targets(body);
    const accepted: string[] = [];
    for (const record of targets) {
      if (!mayAct(actor, 'retry', record.user)) refused.push({ id: record.id, status: 403, error: `Forbidden: role user (${actor!.user}) may not retry task ${record.id}` });
      else if (!isFinished(record.status)) refused.push({ id: record.id, status: 409, error: `Task ${record.id} is still ${record.status}; abort it or wait for it to end before retrying` });
      else accepted.push(record.id);
    }
    if (accepted.length === 0) return { accepted: [], refused };
    const request: BulkRetryRequest = { targets: accepted, ...(actor && { actor }) };
    const meta = { name: `Retry of ${accepted.length} task${accepted.length === 1 ? '' : 's'}`, ...(actor && { user: actor.user }) };
    const job = await this.tasks.startWorkflow(`bulk-retry-${randomUUID()}`, BULK_RETRY_WORKFLOW, [request], newTaskStart(BULK_RETRY_WORKFLOW, meta));
    return { accepted: accepted.map((id) => ({ id })), refused, job_id: job.id };
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

/**
 * What a batch's page and list show of its tasks: a count per status, how many ended, and the
 * work done, the mean of the tasks' progress (a completed task counts 100, one that ended
 * otherwise how far it got: a batch whose tasks were aborted early is not at 100%).
 */
function batchFacts(id: string, tasks: readonly TaskRecord[]): Omit<BatchSummary, 'tasks'> {
  const counts: Partial<Record<TaskStatus, number>> = {};
  for (const status of TASK_STATUSES) {
    const n = tasks.filter((t) => t.status === status).length;
    if (n) counts[status] = n;
  }
  const finished = tasks.filter((t) => isFinished(t.status)).length;
  const progress = Math.floor(tasks.reduce((sum, t) => sum + (t.status === 'completed' ? 100 : t.progress), 0) / tasks.length);
  return { id, total: tasks.length, progress, counts, finished };
}

const FAILED: ReadonlySet<TaskStatus> = new Set(['failed', 'upstream_failed', 'timed_out', 'terminated']);

function batchStatus(tasks: readonly TaskRecord[]): BatchStatus {
  if (tasks.some((t) => !isFinished(t.status))) return 'running';
  if (tasks.every((t) => t.status === 'completed')) return 'completed';
  return tasks.some((t) => FAILED.has(t.status)) ? 'failed' : 'aborted';
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
