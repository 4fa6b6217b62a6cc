import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_STATUSES, type TaskStatus } from '../../core';
import { api, startTask, uniqueTag, waitFor, type Task } from './helpers';

const TOTAL = 110;
const run = uniqueTag('list');
const datasets = ['alpha', 'beta', 'gamma'];
const users = ['ada', 'grace'];
const tasks: Task[] = [];
const longRunning: string[] = [];

async function list(query: string): Promise<{ items: Task[]; total: number; status: number }> {
  const res = await api<Task[]>(`/tasks?dataset_id=${run}&${query}`);
  return { items: res.body, total: Number(res.headers.get('x-total-count')), status: res.status };
}

/** More than 100 tasks of one run, with varied datasets, users, tags, outcomes and durations. */
beforeAll(async () => {
  const bodies = Array.from({ length: TOTAL }, (_, i) => ({
    name: `job-${String(i).padStart(3, '0')}${i % 10 === 0 ? '-special' : ''}`,
    tag: `${run}-${i % 2 ? 'odd' : 'even'}`,
    dataset: datasets[i % 3],
    dataset_id: run,
    user: users[i % 2],
    input: { command: i < 3 ? 'sleep 120' : i % 11 === 0 ? 'exit 1' : `sleep 0.${i % 5}` },
  }));
  for (let i = 0; i < bodies.length; i += 10) tasks.push(...(await Promise.all(bodies.slice(i, i + 10).map(startTask))));
  longRunning.push(...tasks.slice(0, 3).map((t) => t.id));
  await waitFor('every short task to finish', async () => {
    const { total } = await list('status=Q&status=R');
    return total === longRunning.length ? true : undefined;
  }, 120_000);
}, 180_000);

afterAll(async () => {
  await Promise.all(longRunning.map((id) => api(`/tasks/${id}/abort`, { method: 'POST' })));
});

describe('GET /tasks with more than 100 tasks', () => {
  it('honours the contract: newest first, the six contract fields, limit and offset', async () => {
    const first = await list('limit=100');
    expect(first.status).toBe(200);
    expect(first.total).toBe(TOTAL);
    expect(first.items).toHaveLength(100);
    for (const task of first.items) {
      expect(Object.keys(task)).toEqual(expect.arrayContaining(['id', 'task_type', 'task_status', 'tag', 'created_at', 'end_date']));
      expect(['Q', 'R', 'D', 'F', 'C']).toContain(task.task_status);
    }
    const times = first.items.map((t) => t.created_at);
    expect(times).toEqual([...times].sort().reverse());

    const second = await list('limit=100&offset=100');
    expect(second.items).toHaveLength(TOTAL - 100);
    const ids = new Set([...first.items, ...second.items].map((t) => t.id));
    expect(ids).toEqual(new Set(tasks.map((t) => t.id)));

    const pages = await Promise.all([0, 20, 40].map((offset) => list(`limit=20&offset=${offset}`)));
    expect(pages.flatMap((p) => p.items.map((t) => t.id))).toEqual(first.items.slice(0, 60).map((t) => t.id));
  });

  it('filters by status code and name, several at once', async () => {
    const failed = await list('status=F&limit=100');
    const expectedFailed = tasks.filter((_, i) => i >= 3 && i % 11 === 0).length;
    expect(failed.total).toBe(expectedFailed);
    expect(failed.items.every((t) => t.status === 'failed' && t.task_status === 'F')).toBe(true);

    const running = await list('status=running&limit=100');
    expect(new Set(running.items.map((t) => t.id))).toEqual(new Set(longRunning));

    const mixed = await list('status=D&status=failed&limit=100');
    expect(mixed.total).toBe(TOTAL - longRunning.length);
  });

  it('filters by task type, tag, dataset, user and name search', async () => {
    expect((await list('task_type=command')).total).toBe(TOTAL);
    const even = await list(`tag=${run}-even&limit=100`);
    expect(even.total).toBe(TOTAL / 2);
    expect(even.items.every((t) => t.tag === `${run}-even`)).toBe(true);
    const beta = await list('dataset=beta&limit=100');
    expect(beta.total).toBe(tasks.filter((t) => t.dataset === 'beta').length);
    expect(beta.items.every((t) => t.dataset === 'beta')).toBe(true);
    const grace = await list('user=grace&dataset=alpha&limit=100');
    expect(grace.items.every((t) => t.user === 'grace' && t.dataset === 'alpha')).toBe(true);
    expect(grace.total).toBe(tasks.filter((t) => t.user === 'grace' && t.dataset === 'alpha').length);
    const special = await list('q=SPECIAL&limit=100');
    expect(special.total).toBe(11);
    expect(special.items.every((t) => t.name!.includes('special'))).toBe(true);
    expect((await list('within_hours=1')).total).toBe(TOTAL);
    expect((await list('dataset=nonexistent')).total).toBe(0);
  });

  it('sorts by time, duration, dataset, type and status in both directions', async () => {
    const byTimeAsc = (await list('sort=time&order=asc&limit=100')).items.map((t) => t.created_at);
    expect(byTimeAsc).toEqual([...byTimeAsc].sort());

    const byDuration = (await list('sort=duration&order=desc&limit=100')).items;
    // Running tasks have the longest durations, still counting.
    expect(new Set(byDuration.slice(0, 3).map((t) => t.id))).toEqual(new Set(longRunning));
    const durations = byDuration.map((t) => t.duration_ms ?? -1);
    expect(durations).toEqual([...durations].sort((a, b) => b - a));
    const shortestFirst = (await list('sort=duration&order=asc&limit=5')).items.map((t) => t.duration_ms ?? -1);
    expect(shortestFirst).toEqual([...shortestFirst].sort((a, b) => a - b));

    const byDataset = (await list('sort=dataset&order=asc&limit=100')).items.map((t) => t.dataset);
    expect(byDataset).toEqual([...byDataset].sort());
    const byDatasetDesc = (await list('sort=dataset&order=desc&limit=100')).items.map((t) => t.dataset);
    expect(byDatasetDesc).toEqual([...byDatasetDesc].sort().reverse());

    const byStatus = (await list('sort=status&order=asc&limit=100')).items.map((t) => TASK_STATUSES.indexOf(t.status as TaskStatus));
    expect(byStatus).toEqual([...byStatus].sort((a, b) => a - b));
    expect(byStatus[0]).toBe(TASK_STATUSES.indexOf('running'));
    expect((await list('sort=task_type')).status).toBe(200);
  });
});

describe('filter values that look like query syntax', () => {
  const hostile = [
    "o'brien",
    'back\\slash',
    "x' OR TaskdeckTag != 'y",
    '") OR ("1"="1',
    '%_wild*',
    'unicodé ✓ 漢字',
    'AND OR NOT',
  ];
  const run = uniqueTag('inject');

  it('match only literally, never change the query', async () => {
    const started = await Promise.all(hostile.map((tag) => startTask({ tag, dataset: tag, dataset_id: run, name: tag, input: { command: 'true' } })));
    await waitFor('the hostile tasks to be listed', async () => {
      const res = await api<Task[]>(`/tasks?dataset_id=${run}`);
      return res.body.length === hostile.length ? true : undefined;
    });
    for (const [i, value] of hostile.entries()) {
      for (const field of ['tag', 'dataset', 'q']) {
        const res = await api<Task[]>(`/tasks?dataset_id=${run}&${field}=${encodeURIComponent(value)}`);
        expect(res.status).toBe(200);
        expect(res.body.map((t) => t.id), `${field}=${value}`).toEqual([started[i].id]);
      }
    }
    const nothing = await api<Task[]>(`/tasks?tag=${encodeURIComponent("' OR 1=1 OR TaskdeckTag='")}`);
    expect(nothing.status).toBe(200);
    expect(nothing.body).toEqual([]);
  });
});
