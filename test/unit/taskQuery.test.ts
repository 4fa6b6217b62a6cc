import { describe, expect, it } from 'vitest';
import { TaskTable } from '../../api/taskTable';
import { listTasksQuery, type ListTasksQuery, type TaskRecord } from '../../core/contract';
import { HOUR, NOW, record } from './fixtures';

function errorOf(input: Record<string, unknown>): string {
  const result = listTasksQuery.safeParse(input);
  expect(result.success).toBe(false);
  return result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
}

function q(input: Record<string, string | string[]> = {}): ListTasksQuery {
  return listTasksQuery.parse(input);
}

const queryTasks = (records: TaskRecord[], query: ListTasksQuery, now: number) => TaskTable.from(records).query(query, now);

const ids = (page: { items: TaskRecord[] }) => page.items.map((r) => r.id);

describe('listTasksQuery', () => {
  it('applies the defaults to an empty query: the last hour, as the Vectorize contract says', () => {
    expect(listTasksQuery.parse({})).toEqual({ limit: 50, offset: 0, within_hours: 1, sort: 'time', order: 'desc' });
  });

  it('parses numbers given as strings', () => {
    expect(q({ limit: '100', offset: '20', within_hours: '1' })).toMatchObject({ limit: 100, offset: 20, within_hours: 1 });
    expect(q({ limit: '1', within_hours: '336' })).toMatchObject({ limit: 1, within_hours: 336 });
  });

  it.each(['0', '101', 'abc', '1.5', '', '-1'])('refuses limit=%j', (limit) => {
    expect(errorOf({ limit })).toMatch(/^limit: /);
  });

  it('refuses a repeated limit', () => {
    expect(errorOf({ limit: ['10', '20'] })).toMatch(/^limit: /);
  });

  it('refuses a negative offset', () => {
    expect(errorOf({ offset: '-1' })).toBe('offset: offset must be 0 or more');
  });

  it('refuses within_hours outside 1..336', () => {
    expect(errorOf({ within_hours: '0' })).toBe('within_hours: within_hours must be at least 1');
    expect(errorOf({ within_hours: '337' })).toBe('within_hours: within_hours must be at most 336 (14 days)');
  });

  it('accepts task_type once or repeated, always as an array', () => {
    expect(q({ task_type: 'command' }).task_type).toEqual(['command']);
    expect(q({ task_type: ['command', 'command'] }).task_type).toEqual(['command', 'command']);
  });

  it("takes any task type, a plugin's workflow types too: a type nobody runs matches nothing", () => {
    expect(q({ task_type: ['command', 'processInvoices'] }).task_type).toEqual(['command', 'processInvoices']);
    expect(queryTasks([record({ id: 'a' })], q({ task_type: 'processInvoices' }), NOW).total).toBe(0);
    expect(errorOf({ task_type: '' })).toContain('task_type');
  });

  it('accepts status names and codes, once or repeated', () => {
    expect(q({ status: 'R' }).status).toEqual(['R']);
    expect(q({ status: ['running', 'Q', 'timed_out'] }).status).toEqual(['running', 'Q', 'timed_out']);
  });

  it.each(['X', 'RUNNING', 'r', ''])('names an unknown status %j', (status) => {
    expect(errorOf({ status })).toContain(`unknown status '${status}'`);
  });

  it('refuses an unknown parameter', () => {
    expect(errorOf({ limt: '5' })).toMatch(/limt/);
  });

  it('refuses a bad sort or order', () => {
    expect(errorOf({ sort: 'name' })).toContain('sort must be one of time, duration, dataset, task_type, status');
    expect(errorOf({ order: 'up' })).toContain('order must be asc or desc');
  });

  it('refuses a repeated single-valued filter', () => {
    expect(errorOf({ tag: ['a', 'b'] })).toMatch(/^tag: /);
  });
});

describe('queryTasks', () => {
  const iso = (ms: number) => new Date(ms).toISOString();

  const records: TaskRecord[] = [
    record({ id: 'pend', name: 'Import Photos', status: 'pending', task_status: 'Q', dataset: 'b', tag: 'nightly', user: 'ann' }, 1),
    record({ id: 'appr', name: null, status: 'pending_approval', task_status: 'Q', dataset: null, user: 'bob' }, 2),
    record(
      { id: 'run', name: 'Vectorize', status: 'running', task_status: 'R', dataset: 'a', dataset_id: 'ds-1', started_at: iso(NOW - 3 * HOUR) },
      3,
    ),
    record(
      { id: 'done', name: 'Export CSV', status: 'completed', task_status: 'D', dataset: 'c', started_at: iso(NOW - 4 * HOUR), end_date: iso(NOW - 3.5 * HOUR) },
      4,
    ),
    record(
      { id: 'fail', name: 'Vectorize again', status: 'timed_out', task_status: 'F', dataset: 'a', started_at: iso(NOW - 5 * HOUR), end_date: iso(NOW - 4 * HOUR) },
      5,
    ),
    record({ id: 'old', name: 'Ancient', status: 'aborted', task_status: 'C' }, 300),
  ];

  // The whole 14-day window unless a test says otherwise, as the web app asks for it.
  const run = (input: Record<string, string | string[]> = {}) => queryTasks(records, q({ within_hours: '336', ...input }), NOW);

  it('returns everything in the 14-day window, newest first', () => {
    const page = run();
    expect(page.total).toBe(6);
    expect(ids(page)).toEqual(['pend', 'appr', 'run', 'done', 'fail', 'old']);
  });

  it('returns the last hour when the query gives no window (vectorize-tasks-endpoint.md: "default: last hour")', () => {
    const page = queryTasks(records, q(), NOW);
    expect(ids(page)).toEqual(['pend']);
  });

  it('drops tasks created before the window and keeps the boundary', () => {
    const edge = record({ id: 'edge' }, 2);
    expect(ids(queryTasks([...records, edge], q({ within_hours: '2' }), NOW)).sort()).toEqual(['appr', 'edge', 'pend']);
    expect(run({ within_hours: '299' }).total).toBe(5);
  });

  it('fills duration_ms in the items', () => {
    const byId = Object.fromEntries(run().items.map((r) => [r.id, r.duration_ms]));
    expect(byId).toMatchObject({ pend: null, run: 3 * HOUR, done: 0.5 * HOUR, fail: HOUR });
  });

  it('filters by task type', () => {
    const other = record({ id: 'other', task_type: 'reindex' });
    expect(ids(queryTasks([...records, other], q({ task_type: 'command' }), NOW))).not.toContain('other');
  });

  it('filters by status code, name and a mix of both', () => {
    expect(ids(run({ status: 'Q' })).sort()).toEqual(['appr', 'pend']);
    expect(ids(run({ status: 'F' }))).toEqual(['fail']);
    expect(ids(run({ status: 'pending_approval' }))).toEqual(['appr']);
    expect(ids(run({ status: ['R', 'completed'] })).sort()).toEqual(['done', 'run']);
  });

  it('matches the Dataset filter with the dataset name or id, whatever the case', () => {
    const birds = [
      record({ id: 'named', dataset: 'Birds', dataset_id: 'birds' }),
      record({ id: 'id-only', dataset: null, dataset_id: 'birds' }),
      record({ id: 'label-only', dataset: 'birds', dataset_id: null }),
      record({ id: 'bees', dataset: 'Bees', dataset_id: 'bees' }),
      record({ id: 'birdsong', dataset: 'Birdsong', dataset_id: 'birdsong' }),
    ];
    for (const typed of ['Birds', 'birds', 'BIRDS', ' birds ']) {
      expect(ids(queryTasks(birds, q({ dataset: typed }), NOW)).sort(), typed).toEqual(['id-only', 'label-only', 'named']);
    }
  });

  it('filters by tag, dataset, dataset_id and user exactly', () => {
    expect(ids(run({ tag: 'nightly' }))).toEqual(['pend']);
    expect(ids(run({ tag: 'night' }))).toEqual([]);
    expect(ids(run({ dataset: 'a' })).sort()).toEqual(['fail', 'run']);
    expect(ids(run({ dataset_id: 'ds-1' }))).toEqual(['run']);
    expect(ids(run({ user: 'bob' }))).toEqual(['appr']);
    expect(ids(run({ user: 'BOB' }))).toEqual([]);
  });

  it('filters by batch exactly', () => {
    const batched = [record({ id: 'b1', batch_id: 'sync-1' }), record({ id: 'b2', batch_id: 'sync-1' }), record({ id: 'b3', batch_id: 'sync-10' })];
    expect(ids(queryTasks([...records, ...batched], q({ batch: 'sync-1' }), NOW)).sort()).toEqual(['b1', 'b2']);
  });

  it('matches hostile values only literally', () => {
    const weird = [
      record({ id: 'quote', tag: `it's "x"`, dataset: "' OR 1=1 --", user: 'a\\b' }),
      record({ id: 'plain', tag: 'x', dataset: 'a', user: 'ab' }),
    ];
    const find = (input: Record<string, string>) => ids(queryTasks(weird, q(input), NOW));
    expect(find({ tag: `it's "x"` })).toEqual(['quote']);
    expect(find({ dataset: "' OR 1=1 --" })).toEqual(['quote']);
    expect(find({ user: 'a\\b' })).toEqual(['quote']);
    expect(find({ tag: "' OR 1=1" })).toEqual([]);
    expect(find({ dataset: "a' OR '1'='1" })).toEqual([]);
    expect(find({ user: '.*' })).toEqual([]);
  });

  it('searches name and id case-insensitively with q', () => {
    expect(ids(run({ q: 'VECTOR' })).sort()).toEqual(['fail', 'run']);
    expect(ids(run({ q: 'App' }))).toEqual(['appr']); // by id; its name is null
    expect(ids(run({ q: 'csv' }))).toEqual(['done']);
    expect(ids(run({ q: 'zzz' }))).toEqual([]);
  });

  it('sorts by time ascending', () => {
    expect(ids(run({ sort: 'time', order: 'asc' }))).toEqual(['old', 'fail', 'done', 'run', 'appr', 'pend']);
  });

  it('sorts by duration with nulls last descending and first ascending', () => {
    // Nulls (pend, appr, old) tie among themselves and fall back to newest first.
    expect(ids(run({ sort: 'duration' }))).toEqual(['run', 'fail', 'done', 'pend', 'appr', 'old']);
    expect(ids(run({ sort: 'duration', order: 'asc' }))).toEqual(['pend', 'appr', 'old', 'done', 'fail', 'run']);
  });

  it('sorts by dataset with nulls, breaking ties newest first', () => {
    expect(ids(run({ sort: 'dataset' }))).toEqual(['done', 'pend', 'run', 'fail', 'appr', 'old']);
    expect(ids(run({ sort: 'dataset', order: 'asc' }))).toEqual(['appr', 'old', 'run', 'fail', 'pend', 'done']);
  });

  it('sorts by status in lifecycle order, both directions', () => {
    expect(ids(run({ sort: 'status', order: 'asc' }))).toEqual(['pend', 'appr', 'run', 'done', 'old', 'fail']);
    expect(ids(run({ sort: 'status', order: 'desc' }))).toEqual(['fail', 'old', 'done', 'run', 'appr', 'pend']);
  });

  it('sorts by task_type in both directions', () => {
    const mixed = [record({ id: 'b', task_type: 'beta' }, 1), record({ id: 'a', task_type: 'alpha' }, 2), record({ id: 'c', task_type: 'command' }, 3)];
    expect(ids(queryTasks(mixed, q({ within_hours: '336', sort: 'task_type', order: 'asc' }), NOW))).toEqual(['a', 'b', 'c']);
    expect(ids(queryTasks(mixed, q({ within_hours: '336', sort: 'task_type' }), NOW))).toEqual(['c', 'b', 'a']);
  });

  it('breaks full ties by id so paging is stable', () => {
    const same = ['z', 'm', 'a'].map((id) => record({ id }, 1));
    expect(ids(queryTasks(same, q(), NOW))).toEqual(['a', 'm', 'z']);
  });

  it('pages with offset and limit and reports the total', () => {
    expect(run({ limit: '2' })).toMatchObject({ total: 6 });
    expect(ids(run({ limit: '2' }))).toEqual(['pend', 'appr']);
    expect(ids(run({ limit: '2', offset: '2' }))).toEqual(['run', 'done']);
    expect(ids(run({ limit: '4', offset: '4' }))).toEqual(['fail', 'old']);
    const beyond = run({ offset: '10' });
    expect(beyond.total).toBe(6);
    expect(beyond.items).toEqual([]);
  });

  it('reports the filtered total, not the page size', () => {
    const page = run({ status: 'Q', limit: '1' });
    expect(page.total).toBe(2);
    expect(page.items).toHaveLength(1);
  });
});
