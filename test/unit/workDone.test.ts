import type { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { BatchService } from '../../api/batchService';
import type { PipelineRecord } from '../../api/pipelineRecord';
import { PipelineService } from '../../api/pipelineService';
import type { TaskIndex } from '../../api/taskIndex';
import { toTaskRecord } from '../../api/taskRecord';
import { TaskTable, type GroupField } from '../../api/taskTable';
import type { TaskService } from '../../api/taskService';
import { SA, type TaskMemo, type TaskStatus } from '../../core';
import { batchList, type TaskRecord } from '../../core/contract';
import { NOW, record } from './fixtures';

/**
 * Progress means work done. Only a completed task shows 100; a task that ended otherwise shows
 * how far its work got; a batch's or a pipeline's progress is the mean of its tasks' work, and
 * how many of them finished, and how, is told apart (counts), never folded into the percentage.
 */

/** A task row as visibility gives it: the execution status, the task's attributes and memo. */
function row(status: TaskStatus, progress: number, memo: TaskMemo = {}, execution = 'FAILED'): TaskRecord {
  return toTaskRecord({
    workflowId: `t-${status}-${progress}`,
    runId: 'run',
    type: 'custom_metadata',
    status: { name: execution as 'FAILED', code: 3 },
    startTime: new Date(NOW - 60_000),
    closeTime: new Date(NOW),
    memo,
    typedSearchAttributes: new TypedSearchAttributes([
      { key: SA.status, value: status },
      { key: SA.progress, value: progress },
    ]),
  });
}

describe("a task's progress", () => {
  it('is 100 only when the task completed', () => {
    expect(row('completed', 100, {}, 'COMPLETED').progress).toBe(100);
    expect(row('failed', 100, { failed_step: 'running' }).progress).toBeLessThan(100);
    expect(row('aborted', 100, {}, 'CANCELED').progress).toBeLessThan(100);
  });

  it('of a task that failed while running is how far it got', () => {
    expect(row('failed', 40, { failed_step: 'running' }).progress).toBe(40);
  });

  it('of a task that failed before its work began is 0, whatever its initialization reached (a Custom Metadata task whose file was read, then refused)', () => {
    expect(row('failed', 100, { failed_step: 'initializing' }).progress).toBe(0);
    expect(row('upstream_failed', 0, { failed_step: 'pending' }).progress).toBe(0);
  });

  it('of a running task is what it reported', () => {
    expect(row('running', 60, {}, 'RUNNING').progress).toBe(60);
  });
});

const unused = new Proxy({}, { get: (_t, key) => () => Promise.reject(new Error(`not stubbed: ${String(key)}`)) });

/** The index's reads the services use, over the real table. */
function indexOf(tasks: TaskRecord[], pipelines: PipelineRecord[] = []): TaskIndex {
  const table = TaskTable.from(tasks);
  return {
    whenReady: async () => undefined,
    get: (id: string) => table.get(id),
    group: (field: GroupField, value: string) => table.group(field, value),
    groupValues: (field: GroupField) => table.groupValues(field),
    pipelines: () => pipelines[Symbol.iterator](),
    pipeline: (id: string) => pipelines.find((p) => p.id === id),
  } as unknown as TaskIndex;
}

const task = (id: string, status: TaskStatus, progress: number, extra: Partial<TaskRecord> = {}) =>
  record({ id, status, progress, ...(status === 'completed' || status === 'failed' || status === 'aborted' ? { end_date: new Date(NOW).toISOString() } : {}), ...extra });

describe("a batch's progress", () => {
  // The batch of the issue: 4 of 5 tasks aborted at 14-25%, one completed.
  const batch = [
    task('b1', 'completed', 100, { batch_id: 'sync' }),
    task('b2', 'aborted', 14, { batch_id: 'sync' }),
    task('b3', 'aborted', 20, { batch_id: 'sync' }),
    task('b4', 'aborted', 25, { batch_id: 'sync' }),
    task('b5', 'aborted', 21, { batch_id: 'sync' }),
  ];
  const service = () => new BatchService(unused as Client, 'default', indexOf(batch), unused as TaskService);

  it('is the mean of its tasks\' work, not 100 because every task ended', async () => {
    const summary = await service().summary('sync');
    expect(summary.progress).toBe(Math.floor((100 + 14 + 20 + 25 + 21) / 5));
    expect(summary.finished).toBe(5);
    expect(summary.counts).toEqual({ completed: 1, aborted: 4 });
  });

  it('is listed with its status and counts in GET /batches', async () => {
    const listed = batchList.parse(await service().list());
    expect(listed).toEqual([
      expect.objectContaining({ id: 'sync', status: 'aborted', total: 5, finished: 5, progress: 36, counts: { completed: 1, aborted: 4 } }),
    ]);
  });
});

describe("a pipeline's progress", () => {
  const pipeline: PipelineRecord = {
    id: 'etl',
    name: 'etl',
    status: 'failed',
    created_at: new Date(NOW - 60_000).toISOString(),
    end_date: new Date(NOW).toISOString(),
    trigger_time: new Date(NOW - 60_000).toISOString(),
    started_at: null,
    group: null,
    schedule_id: null,
    user: null,
    tag: null,
    task_count: 8,
    run_id: 'run',
  };
  // One completed, one failed at 50%, six that could not run.
  const tasks = [
    task('p1', 'completed', 100, { pipeline_id: 'etl' }),
    task('p2', 'failed', 50, { pipeline_id: 'etl' }),
    ...Array.from({ length: 6 }, (_, i) => task(`p${i + 3}`, 'upstream_failed', 0, { pipeline_id: 'etl' })),
  ];

  it('is the mean of its tasks\' work: a failed pipeline whose 8 tasks all ended is not at 100', async () => {
    const service = new PipelineService(unused as Client, 'default', 'q', indexOf(tasks, [pipeline]), unused as TaskService, 1000);
    const [listed] = await service.list();
    expect(listed.progress).toBe(Math.floor(150 / 8));
    expect(listed.counts).toEqual({ completed: 1, failed: 1, upstream_failed: 6 });
  });
});
