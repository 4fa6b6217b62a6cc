import { describe, expect, it } from 'vitest';
import type { TaskDetail } from '../../core/contract';
import { api, startTask, uniqueTag, waitFor, waitForStatus, type Task } from './helpers';

interface Batch {
  id: string;
  total: number;
  progress: number;
  counts: Record<string, number>;
  finished: number;
  tasks: (Task & { batch_id: string })[];
}
interface Bulk {
  accepted: { id: string; retry_id?: string }[];
  refused: { id: string; status: number; error: string }[];
  job_id?: string;
}

const LONG = 'echo PROGRESS 10 started; sleep 60';

describe('batches', () => {
  it('refuses a batch with a bad task, naming the field', async () => {
    const res = await api<{ field: string }>('/batches', { method: 'POST', json: { tasks: [{ type: 'command', input: { command: 'true' } }, { type: 'command', input: {} }] } });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('tasks.1.input.command');
    expect((await api<{ field: string }>('/batches', { method: 'POST', json: { tasks: [] } })).body.field).toBe('tasks');
  });

  it('starts one command on several targets under one batch id, counts them by status, and aborts them all with one action', async () => {
    const tag = uniqueTag('batch');
    const created = await api<{ id: string; tasks: Task[]; failed: unknown[] }>('/batches', {
      method: 'POST',
      json: { name: 'Nightly sync', tasks: ['alpha', 'beta', 'gamma'].map((host) => ({ type: 'command', name: `sync ${host}`, tag, input: { command: LONG, env: { HOST: host } } })) },
    });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^nightly-sync-[0-9a-f]{8}$/);
    expect(created.body.tasks).toHaveLength(3);
    expect(created.body.failed).toEqual([]);
    const batchId = created.body.id;

    const running = await waitFor('the batch to run', async () => {
      const { body } = await api<Batch>(`/batches/${batchId}`);
      return body.counts.running === 3 ? body : undefined;
    });
    expect(running).toMatchObject({ total: 3, finished: 0 });
    expect(running.tasks.map((t) => t.batch_id)).toEqual([batchId, batchId, batchId]);
    const listed = await api<Task[]>(`/tasks?batch=${batchId}`);
    expect(listed.body.map((t) => t.name).sort()).toEqual(['sync alpha', 'sync beta', 'sync gamma']);

    const abort = await api<{ job_id: string; query: string }>(`/batches/${batchId}/abort`, { method: 'POST' });
    expect(abort.status).toBe(202);
    expect(abort.body.query).toContain(`TaskdeckBatch = '${batchId}'`);
    const done = await waitFor('every task aborted', async () => {
      const { body } = await api<Batch>(`/batches/${batchId}`);
      return body.counts.aborted === 3 ? body : undefined;
    }, 30_000);
    expect(done).toMatchObject({ total: 3, finished: 3, counts: { aborted: 3 } });
    // Progress is work done: three tasks aborted at 10% leave the batch at 10%, not at 100%.
    expect(done.progress).toBe(Math.floor(done.tasks.reduce((sum, t) => sum + t.progress, 0) / 3));
    expect(done.progress).toBeLessThan(100);
    expect((await api(`/batches/no-such-batch`)).status).toBe(404);
  });
});

describe('bulk actions', () => {
  it('aborts the selected tasks in one Temporal batch operation and says which it could not', async () => {
    const tag = uniqueTag('bulk-abort');
    const [a, b, done] = await Promise.all([startTask({ tag, input: { command: LONG } }), startTask({ tag, input: { command: LONG } }), startTask({ tag, input: { command: 'true' } })]);
    await Promise.all([waitForStatus(a.id, ['running']), waitForStatus(b.id, ['running']), waitForStatus(done.id, ['completed'])]);
    await waitFor('the index', async () => (await api<Task[]>(`/tasks?tag=${tag}&status=completed`)).body.length === 1);

    const res = await api<Bulk>('/tasks/bulk/abort', { method: 'POST', json: { ids: [a.id, b.id, done.id, 'no-such-task'] } });
    expect(res.status).toBe(202);
    expect(res.body.accepted.map((t) => t.id).sort()).toEqual([a.id, b.id].sort());
    expect(res.body.job_id).toBeTruthy();
    expect(res.body.refused.map((r) => [r.id, r.status])).toEqual([
      ['no-such-task', 404],
      [done.id, 409],
    ]);
    await Promise.all([waitForStatus(a.id, ['aborted'], 30_000), waitForStatus(b.id, ['aborted'], 30_000)]);
  });

  it('retries every task matching the filter in a background task of its own, with its progress, and refuses a filter that narrows nothing', async () => {
    const tag = uniqueTag('bulk-retry');
    const failed = await Promise.all([1, 2, 3].map(() => startTask({ tag, input: { command: 'exit 3' } })));
    const running = await startTask({ tag, input: { command: LONG } });
    await Promise.all([...failed.map((t) => waitForStatus(t.id, ['failed'])), waitForStatus(running.id, ['running'])]);
    await waitFor('the index', async () => (await api<Task[]>(`/tasks?tag=${tag}&status=failed`)).body.length === 3);

    // Answered at once: what will be retried, what cannot be (the running task), and the job.
    const res = await api<Bulk>('/tasks/bulk/retry', { method: 'POST', json: { filter: { tag, status: ['failed', 'running'] } } });
    expect(res.status).toBe(202);
    expect(res.body.accepted.map((t) => t.id).sort()).toEqual(failed.map((t) => t.id).sort());
    expect(res.body.refused).toMatchObject([{ id: running.id, status: 409 }]);
    const jobId = res.body.job_id!;
    expect(jobId).toMatch(/^bulk-retry-/);

    // The job is a task like any other: in the table, with its progress, and its result names each retry.
    const job = await waitForStatus(jobId, ['completed'], 60_000);
    expect(job).toMatchObject({ task_type: 'taskdeck_bulk_retry', progress: 100, name: 'Retry of 3 tasks' });
    await waitFor('the job in the table', async () => (await api<Task[]>(`/tasks?task_type=taskdeck_bulk_retry&q=${jobId}`)).body.length === 1);
    const { body: detail } = await api<TaskDetail>(`/tasks/${jobId}`);
    const result = detail.result as { accepted: { id: string; retry_id: string }[]; refused: unknown[] };
    expect(result.refused).toEqual([]);
    expect(result.accepted.map((a) => a.id).sort()).toEqual(failed.map((t) => t.id).sort());
    for (const { id, retry_id } of result.accepted) expect((await api<Task>(`/tasks/${retry_id}`)).body.retry_of).toBe(id);
    await api(`/tasks/${running.id}/abort`, { method: 'POST' });

    const bad = await api<{ field: string }>('/tasks/bulk/retry', { method: 'POST', json: { filter: { status: 'sleepy' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('filter.status.0');
    expect((await api('/tasks/bulk/retry', { method: 'POST', json: { everything: true } })).status).toBe(400);
    // An empty filter (or only a time window) would act on every task of the window: not without all: true.
    for (const filter of [{}, { within_hours: 24 }]) {
      const empty = await api<{ error: string; field: string }>('/tasks/bulk/retry', { method: 'POST', json: { filter } });
      expect(empty.status).toBe(400);
      expect(empty.body).toMatchObject({ field: 'filter', error: expect.stringContaining('all: true') });
    }
  });
});
