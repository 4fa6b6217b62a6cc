import { QueryObserver } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { approvalsQuery, createQueryClient, queryKeys, taskKeys, taskListQuery, type TaskPage } from '../../../web/src/api/queries';
import type { ApprovalItem, BatchSummary, TaskDetail, TaskRecord } from '../../../web/src/api/types';
import { TaskCacheBridge } from '../../../web/src/live/taskCache';
import { NOW, record } from '../fixtures';

/**
 * The bridge from the live event stream into the query cache, against a real QueryClient with
 * the app's defaults and its real query functions; only the network is stubbed (it records each
 * request and answers empty lists). Node has no sessionStorage: an empty one means signed out.
 */
let requests: string[];

beforeEach(() => {
  requests = [];
  vi.stubGlobal('sessionStorage', { getItem: () => null });
  vi.stubGlobal('fetch', async (url: string) => {
    requests.push(url);
    return new Response('[]', { status: 200, headers: { 'content-type': 'application/json', 'X-Total-Count': '0' } });
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const running = (overrides: Partial<TaskRecord> = {}) =>
  record({ id: 'a', status: 'running', task_status: 'R', progress: 10, started_at: new Date(NOW).toISOString(), duration_ms: 1000, ...overrides });
const detailOf = (task: TaskRecord): TaskDetail => ({
  ...task,
  input: { command: 'make' },
  timeline: [{ status: 'pending', at: task.created_at }],
  error_detail: null,
  approval: null,
  constraints: null,
  result: null,
  retries: [],
  worker: 'worker-1',
  temporal_ui_url: null,
});
const page = (...tasks: TaskRecord[]): TaskPage => ({ rows: tasks.map((task) => ({ task, receivedAt: 1 })), total: tasks.length });

describe('the event bridge into the query cache', () => {
  it('puts a changed row into every cached page and detail holding it, then marks every task list stale', async () => {
    const client = createQueryClient();
    const bridge = new TaskCacheBridge(client, 50);
    const other = record({ id: 'b' });
    client.setQueryData(taskKeys.list('page=1'), page(running(), other));
    client.setQueryData(taskKeys.list('page=2'), page(other));
    client.setQueryData(taskKeys.detail('a'), detailOf(running()));
    const untouched = client.getQueryState(taskKeys.list('page=2'))!.dataUpdatedAt;
    const before = Date.now();

    bridge.handle({ kind: 'task', task: running({ progress: 60, message: 'step 6', duration_ms: 6000 }) });

    // At once, in place.
    const first = client.getQueryData<TaskPage>(taskKeys.list('page=1'))!;
    expect(first.rows[0].task).toMatchObject({ id: 'a', progress: 60, message: 'step 6', duration_ms: 6000 });
    expect(first.rows[0].receivedAt).toBeGreaterThanOrEqual(before);
    expect(first.rows[1].task).toBe(other);
    expect(first.total).toBe(2);
    // A detail is the row and more: the row's fields over it, its own fields kept.
    expect(client.getQueryData<TaskDetail>(taskKeys.detail('a'))).toMatchObject({ progress: 60, message: 'step 6', worker: 'worker-1', input: { command: 'make' } });
    expect(client.getQueryState(taskKeys.detail('a'))!.dataUpdatedAt).toBeGreaterThanOrEqual(before);
    // A page without the task is left as it was.
    expect(client.getQueryData<TaskPage>(taskKeys.list('page=2'))!.rows).toEqual(page(other).rows);
    expect(client.getQueryState(taskKeys.list('page=2'))!.dataUpdatedAt).toBe(untouched);

    // Then every list is stale (a new task may belong on any page, the order may change); the
    // detail is not (same status: its row says it all), nor is anything else.
    await vi.waitFor(() => expect(client.getQueryState(taskKeys.list('page=1'))!.isInvalidated).toBe(true));
    expect(client.getQueryState(taskKeys.list('page=2'))!.isInvalidated).toBe(true);
    expect(client.getQueryState(taskKeys.detail('a'))!.isInvalidated).toBe(false);
    // Nothing is on screen, so nothing was refetched.
    expect(requests).toEqual([]);
  });

  it('invalidates what a task belongs to: its detail on a new status, the approval queue it left, its batch, pipeline, datasets and the neighbourhood it joins', async () => {
    const client = createQueryClient();
    const bridge = new TaskCacheBridge(client, 50);
    const waiting = running({ status: 'pending_approval', task_status: 'Q', started_at: null, duration_ms: null });
    client.setQueryData(taskKeys.detail('a'), detailOf(waiting));
    client.setQueryData<ApprovalItem[]>(queryKeys.approvals, [{ ...waiting, input: {}, resources: null }]);
    const batch = (id: string): BatchSummary => ({ id, total: 1, progress: 0, counts: {}, finished: 0, tasks: [] });
    client.setQueryData(queryKeys.batch('b1'), batch('b1'));
    client.setQueryData(queryKeys.batch('b2'), batch('b2'));
    for (const key of [queryKeys.pipeline('p1'), queryKeys.pipelines, queryKeys.datasets, queryKeys.graph('task=up&depth=1'), queryKeys.graph('task=other&depth=1'), queryKeys.graph('within_hours=336')]) {
      client.setQueryData(key, {});
    }
    client.setQueryData(queryKeys.taskTypes, [{ id: 'command' }]);

    bridge.handle({ kind: 'task', task: running({ batch_id: 'b1', pipeline_id: 'p1', dataset_id: 'ds-1', depends_on: ['up'] }) });

    const stale = (key: readonly unknown[]) => client.getQueryState(key)?.isInvalidated;
    await vi.waitFor(() => expect(stale(taskKeys.detail('a'))).toBe(true));
    expect(client.getQueryData<TaskDetail>(taskKeys.detail('a'))!.status).toBe('running');
    for (const key of [queryKeys.approvals, queryKeys.batch('b1'), queryKeys.pipeline('p1'), queryKeys.pipelines, queryKeys.datasets, queryKeys.graph('task=up&depth=1')]) {
      expect(stale(key), JSON.stringify(key)).toBe(true);
    }
    for (const key of [queryKeys.batch('b2'), queryKeys.taskTypes, queryKeys.graph('task=other&depth=1'), queryKeys.graph('within_hours=336')]) {
      expect(stale(key), JSON.stringify(key)).toBe(false);
    }
  });

  it("asks for the task types again when a task of a type it does not know arrives (a plugin's workflow type)", async () => {
    const client = createQueryClient();
    const bridge = new TaskCacheBridge(client, 50);
    client.setQueryData(queryKeys.taskTypes, [{ id: 'command' }]);
    bridge.handle({ kind: 'task', task: running({ task_type: 'command' }) });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(client.getQueryState(queryKeys.taskTypes)?.isInvalidated).toBe(false);
    bridge.handle({ kind: 'task', task: running({ task_type: 'processInvoices' }) });
    await vi.waitFor(() => expect(client.getQueryState(queryKeys.taskTypes)?.isInvalidated).toBe(true));
  });

  it('refetches a shown list at most once per interval however many events arrive, and never a hidden one', async () => {
    const client = createQueryClient();
    const bridge = new TaskCacheBridge(client, 300);
    const shown = new QueryObserver(client, taskListQuery('page=1'));
    const unsubscribe = shown.subscribe(() => undefined);
    try {
      await vi.waitFor(() => expect(shown.getCurrentResult().isSuccess).toBe(true));
      client.setQueryData(taskKeys.list('page=2'), page(running()));
      const asked = () => requests.filter((url) => url === '/tasks?page=1').length;
      expect(asked()).toBe(1);

      // The first event of a quiet spell goes at once...
      bridge.handle({ kind: 'task', task: running({ progress: 20 }) });
      await vi.waitFor(() => expect(asked()).toBe(2));
      // ...the rest of the burst waits for the interval, and goes as one.
      for (let i = 3; i <= 8; i++) {
        bridge.handle({ kind: 'task', task: running({ progress: i * 10 }) });
        await sleep(20);
      }
      expect(asked()).toBe(2);
      await vi.waitFor(() => expect(asked()).toBe(3), { timeout: 1000 });
      await sleep(400);
      expect(asked()).toBe(3);
      expect(requests.filter((url) => url.includes('page=2'))).toEqual([]);
    } finally {
      unsubscribe();
      bridge.dispose();
    }
  });

  it('invalidates everything on a resync, the catalog too, and refetches what is shown', async () => {
    const client = createQueryClient();
    const bridge = new TaskCacheBridge(client, 50);
    const shown = new QueryObserver(client, approvalsQuery);
    const unsubscribe = shown.subscribe(() => undefined);
    try {
      await vi.waitFor(() => expect(shown.getCurrentResult().isSuccess).toBe(true));
      client.setQueryData(taskKeys.list('page=1'), page(running()));
      client.setQueryData(taskKeys.detail('a'), detailOf(running()));
      client.setQueryData(queryKeys.taskTypes, []);
      client.setQueryData(queryKeys.config, { temporal_ui_workflow_url: null });
      client.setQueryData(queryKeys.me, { auth: false });
      client.setQueryData(queryKeys.graph('within_hours=336'), {});

      bridge.handle({ kind: 'resync' });

      for (const query of client.getQueryCache().getAll()) expect(query.state.isInvalidated, JSON.stringify(query.queryKey)).toBe(true);
      await vi.waitFor(() => expect(requests.filter((url) => url === '/approvals')).toHaveLength(2));
      // Only the shown query was asked again.
      expect(requests).toEqual(['/approvals', '/approvals']);
    } finally {
      unsubscribe();
      bridge.dispose();
    }
  });
});
