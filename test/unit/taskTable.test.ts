import { describe, expect, it } from 'vitest';
import { TaskTable, iso, type TaskPage } from '../../api/taskTable';
import { durationMs, present } from '../../api/taskRecord';
import { buildTaskGraph, statusesForFilter, STATUS_CODE, TASK_STATUSES, type GraphScope, type TaskStatus } from '../../core';
import { listTasksQuery, SORT_KEYS, type ListTasksQuery, type TaskRecord } from '../../core/contract';
import { HOUR, NOW, record } from './fixtures';

/** A seeded generator (mulberry32): a failure names its seed, and the same seed replays it. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(values: readonly T[]): T => values[int(values.length)];
  const maybe = <T>(p: number, value: () => T): T | null => (next() < p ? value() : null);
  return { next, int, pick, maybe };
}

type Random = ReturnType<typeof random>;

const TYPES = ['command', 'enrichment', 'train', 'processInvoices'];
const TAGS = ['nightly', 'adhoc', 'Nightly'];
const DATASETS = ['cats', 'dogs', 'birds', 'Cats'];
const ORIGIN_VALUES = ['scheduled', 'adhoc', 'retry', 'follow_up', 'pipeline', 'batch'] as const;
const GROUPS = ['billing', 'search'];
const SCHEDULES = ['nightly-import', 'hourly'];
const AGENTS = ['1@alpha', '2@beta'];
const NODES = ['alpha', 'beta'];
const USERS = ['ana', 'bo'];
const BATCHES = ['b1', 'b2', 'b3', 'b4'];
const PIPELINES = ['p1', 'p2'];

/** A row as toTaskRecord makes them: canonical ISO times (milliseconds), ties in time on purpose. */
function randomRecord(r: Random, id: string, ids: string[]): TaskRecord {
  const status = r.pick(TASK_STATUSES);
  const created = NOW - r.int(400) * HOUR + r.int(3) * 1000;
  const finished = ['completed', 'failed', 'aborted', 'rejected', 'upstream_failed', 'terminated', 'timed_out'].includes(status);
  // Started before now: a start in the future (clock skew) clamps a running duration at 0, where
  // the kept order by start and the reference's order by duration may break the tie differently.
  const started = status === 'pending' || status === 'pending_approval' || (finished && r.next() < 0.3) ? null : Math.min(NOW - 1000, created + r.int(60) * 60_000);
  const end = finished ? Math.min(NOW, (started ?? created) + r.int(120) * 60_000) : null;
  const pausedAt = status === 'paused' && started !== null ? Math.min(NOW, started + r.int(30) * 60_000) : null;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id,
    task_type: r.pick(TYPES),
    task_status: STATUS_CODE[status],
    tag: r.maybe(0.6, () => r.pick(TAGS)),
    created_at: iso(created)!,
    end_date: iso(end),
    name: r.maybe(0.8, () => `${r.pick(['Import', 'train', 'Export'])} ${r.pick(DATASETS)} ${r.int(50)}`),
    status,
    progress: status === 'completed' ? 100 : r.int(100),
    message: r.maybe(0.3, () => `step ${r.int(5)}`),
    dataset: r.maybe(0.7, () => r.pick(DATASETS)),
    dataset_id: r.maybe(0.5, () => r.pick(DATASETS)),
    user: r.maybe(0.5, () => r.pick(USERS)),
    started_at: iso(started),
    duration_ms: null,
    paused_ms: started !== null && r.next() < 0.2 ? r.int(5) * 1000 : 0,
    paused_at: iso(pausedAt),
    error: status === 'failed' ? 'exit 1' : null,
    failed_step: status === 'failed' ? 'running' : null,
    exit_code: status === 'failed' ? 1 : null,
    retry_of: r.maybe(0.1, () => r.pick(ids.length ? ids : ['none'])),
    batch_id: r.maybe(0.3, () => r.pick(BATCHES)),
    triggered_by: r.maybe(0.05, () => r.pick(ids.length ? ids : ['none'])),
    depends_on: ids.length && r.next() < 0.3 ? [...new Set([r.pick(ids), r.pick(ids)])] : [],
    pipeline_id: r.maybe(0.2, () => r.pick(PIPELINES)),
    origin: r.pick(ORIGIN_VALUES),
    schedule_id: r.maybe(0.2, () => r.pick(SCHEDULES)),
    trigger_time: iso(r.next() < 0.7 ? created : created - r.int(5000))!,
    group: r.maybe(0.3, () => r.pick(GROUPS)),
    agent: r.maybe(0.5, () => r.pick(AGENTS)),
    node: r.maybe(0.3, () => r.pick(NODES)),
    allocation: r.next() < 0.1 ? { cores: [r.int(4)], memory_mb: r.maybe(0.5, () => 64 * (1 + r.int(8))), gpus: r.next() < 0.5 ? [] : [0, 1] } : null,
    parent_id: r.maybe(0.1, () => r.pick(ids.length ? ids : ['none'])),
    run_id: r.next() < 0.7 ? '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f' + r.int(10) : `run-${id}-${r.int(3)}`,
  };
}

function idOfShape(n: number): string {
  const uuid = `${n.toString(16).padStart(8, '0')}-0000-4000-8000-${(n * 7919).toString(16).padStart(12, '0')}`;
  return [`command-${uuid}`, uuid, `task-${n}`, `Nightly-${uuid.toUpperCase()}`][n % 4];
}

function randomQuery(r: Random): ListTasksQuery {
  const input: Record<string, string | string[]> = {};
  if (r.next() < 0.3) input.task_type = r.next() < 0.5 ? r.pick(TYPES) : [r.pick(TYPES), r.pick(TYPES)];
  if (r.next() < 0.3) input.status = r.next() < 0.5 ? r.pick(['Q', 'R', 'D', 'F', 'C']) : [r.pick(TASK_STATUSES), r.pick(TASK_STATUSES)];
  if (r.next() < 0.15) input.tag = r.pick([...TAGS, 'unknown']);
  if (r.next() < 0.15) input.dataset = r.pick([...DATASETS, 'DOGS', ' birds ']);
  if (r.next() < 0.1) input.origin = r.next() < 0.5 ? r.pick(ORIGIN_VALUES) : [r.pick(ORIGIN_VALUES), r.pick(ORIGIN_VALUES)];
  if (r.next() < 0.1) input.group = r.pick([...GROUPS, 'none']);
  if (r.next() < 0.1) input.schedule = r.pick(SCHEDULES);
  if (r.next() < 0.1) input.agent = r.pick(AGENTS);
  if (r.next() < 0.1) input.node = r.pick(NODES);
  if (r.next() < 0.1) input.dataset_id = r.pick(DATASETS);
  if (r.next() < 0.1) input.user = r.pick(USERS);
  if (r.next() < 0.15) input.batch = r.pick(BATCHES);
  if (r.next() < 0.1) input.pipeline = r.pick(PIPELINES);
  if (r.next() < 0.1) input.q = r.pick(['import', 'CATS', 'task-1', 'x', 'command-0000001', '-0000-4000', 'nightly-0']);
  if (r.next() < 0.4) input.within_hours = String(1 + r.int(336));
  input.sort = r.pick(SORT_KEYS);
  input.order = r.pick(['asc', 'desc']);
  input.limit = String(1 + r.int(100));
  input.offset = String(r.next() < 0.5 ? 0 : r.int(300));
  return listTasksQuery.parse(input);
}

/** The obvious implementation: filter everything, sort everything, slice. */
function naiveQuery(records: TaskRecord[], query: ListTasksQuery, now: number): TaskPage {
  const since = now - query.within_hours * HOUR;
  const statuses = query.status ? new Set<TaskStatus>(query.status.flatMap((s) => statusesForFilter(s) ?? [])) : undefined;
  const needle = query.q?.toLowerCase();
  const dataset = query.dataset?.trim().toLowerCase();
  const matches = records.filter(
    (t) =>
      Date.parse(t.created_at) >= since &&
      (!query.task_type || query.task_type.includes(t.task_type)) &&
      (!statuses || statuses.has(t.status)) &&
      (query.tag === undefined || t.tag === query.tag) &&
      (dataset === undefined || t.dataset?.toLowerCase() === dataset || t.dataset_id?.toLowerCase() === dataset) &&
      (!query.origin || query.origin.includes(t.origin)) &&
      (query.group === undefined || t.group === query.group) &&
      (query.schedule === undefined || t.schedule_id === query.schedule) &&
      (query.agent === undefined || t.agent === query.agent) &&
      (query.node === undefined || t.node === query.node) &&
      (query.dataset_id === undefined || t.dataset_id === query.dataset_id) &&
      (query.user === undefined || t.user === query.user) &&
      (query.batch === undefined || t.batch_id === query.batch) &&
      (query.pipeline === undefined || t.pipeline_id === query.pipeline) &&
      (!needle || Boolean(t.name?.toLowerCase().includes(needle)) || t.id.toLowerCase().includes(needle)),
  );
  const key = (t: TaskRecord): string | number | null => {
    switch (query.sort) {
      case 'time':
        return t.created_at;
      case 'duration':
        return durationMs(t, now);
      case 'dataset':
        return t.dataset;
      case 'task_type':
        return t.task_type;
      case 'status':
        return TASK_STATUSES.indexOf(t.status);
    }
  };
  const compare = (a: string | number | null, b: string | number | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);
  const direction = query.order === 'asc' ? 1 : -1;
  const sorted = matches.sort((a, b) => direction * compare(key(a), key(b)) || compare(b.created_at, a.created_at) || compare(a.id, b.id));
  return { total: sorted.length, items: sorted.slice(query.offset, query.offset + query.limit).map((t) => present(t, now)) };
}

describe('TaskTable against a naive reference over random data', () => {
  it.each([1, 2, 3, 4])('seed %i: the same pages, counts and types after random puts, updates and deletes', (seed) => {
    const r = random(seed);
    const table = new TaskTable();
    const truth = new Map<string, TaskRecord>();
    const ids: string[] = [];
    for (let round = 0; round < 6; round++) {
      // Changes between reads: the kept orders are merged with them, or sorted again when many.
      const changes = round === 0 ? 1000 : r.pick([1, 5, 40, 400]);
      for (let i = 0; i < changes; i++) {
        const action = truth.size === 0 ? 0 : r.next();
        if (action < 0.6) {
          // Ids of the three shapes the table keeps apart: a type and a UUID, a bare UUID, anything else.
          const id = idOfShape(ids.length);
          ids.push(id);
          const record = randomRecord(r, id, ids);
          truth.set(id, record);
          table.put(record);
        } else if (action < 0.9) {
          const id = r.pick(ids);
          const record = randomRecord(r, id, ids.filter((other) => other !== id));
          truth.set(id, record);
          table.put(record);
        } else {
          const id = r.pick(ids);
          truth.delete(id);
          table.delete(id);
        }
      }
      const records = [...truth.values()];
      expect(table.size).toBe(records.length);
      expect([...table.taskTypes()].sort()).toEqual([...new Set(records.map((t) => t.task_type))].sort());
      for (let i = 0; i < 30; i++) {
        const query = randomQuery(r);
        const now = NOW + r.int(10) * 60_000;
        expect(table.query(query, now), JSON.stringify(query)).toEqual(naiveQuery(records, query, now));
      }
      for (const id of ids.slice(0, 20)) expect(table.get(id)).toEqual(truth.get(id));
    }
  }, 30_000);

  it('counts tasks by creation time and drops the old ones', () => {
    const r = random(7);
    const ids: string[] = [];
    const records = Array.from({ length: 500 }, (_, i) => randomRecord(r, `t${ids.push(`t${i}`) - 1}`, []));
    const table = TaskTable.from(records);
    const from = NOW - 100 * HOUR;
    const to = NOW - 10 * HOUR;
    const inRange = records.filter((t) => Date.parse(t.created_at) >= from && Date.parse(t.created_at) < to);
    expect(table.countCreated(from, to)).toBe(inRange.length);
    expect(table.idsCreated(from, to).sort()).toEqual(inRange.map((t) => t.id).sort());
    const old = records.filter((t) => Date.parse(t.created_at) < from).length;
    expect(table.dropCreatedBefore(from)).toBe(old);
    expect(table.size).toBe(records.length - old);
  });

  it('finds the tasks of a group without reading the others', () => {
    const r = random(8);
    const records = Array.from({ length: 300 }, (_, i) => randomRecord(r, `t${i}`, []));
    const table = TaskTable.from(records);
    for (const batch of BATCHES) {
      expect(table.group('batch_id', batch).map((t) => t.id).sort()).toEqual(records.filter((t) => t.batch_id === batch).map((t) => t.id).sort());
      expect(table.groupSize('batch_id', batch)).toBe(records.filter((t) => t.batch_id === batch).length);
    }
    expect(table.group('batch_id', 'nobody')).toEqual([]);
  });

  it('gives the same graph from its scoped rows as from the whole window', () => {
    const r = random(9);
    const ids: string[] = [];
    const records: TaskRecord[] = [];
    for (let i = 0; i < 400; i++) {
      const id = `t${i}`;
      records.push(randomRecord(r, id, ids.slice(-30)));
      ids.push(id);
    }
    const table = TaskTable.from(records);
    // Ties in time are drawn in the order given: give the whole window in the table's order.
    records.sort((a, b) => b.created_at.localeCompare(a.created_at) || (a.id < b.id ? -1 : 1));
    const scopes: GraphScope[] = [{}, ...BATCHES.map((batch) => ({ batch })), ...PIPELINES.map((pipeline) => ({ pipeline })), { batch: 'b1', pipeline: 'p1' }];
    for (let i = 0; i < 20; i++) scopes.push({ task: r.pick(ids), depth: 1 + r.int(3) }, { task: r.pick(ids), within_hours: 48 });
    for (const scope of scopes) {
      const whole = buildTaskGraph(records.map((t) => present(t, NOW)), scope, NOW);
      const scoped = buildTaskGraph(table.graphTasks(scope, 2, NOW), scope, NOW);
      expect(scoped, JSON.stringify(scope)).toEqual(whole);
    }
  });

  it('survives a snapshot: the same rows, groups and pages', () => {
    const r = random(10);
    const records = Array.from({ length: 400 }, (_, i) => randomRecord(r, `t${i}`, []));
    const table = TaskTable.from(records);
    for (const id of ['t1', 't2', 't3']) table.delete(id);
    const copy = TaskTable.fromSnapshot(structuredClone(table.toSnapshot()));
    expect(copy.size).toBe(table.size);
    expect([...copy.all()].sort((a, b) => a.id.localeCompare(b.id))).toEqual([...table.all()].sort((a, b) => a.id.localeCompare(b.id)));
    for (let i = 0; i < 30; i++) {
      const query = randomQuery(r);
      expect(copy.query(query, NOW)).toEqual(table.query(query, NOW));
    }
    copy.put(records[0]);
    expect(copy.group('batch_id', 'b1').length).toBe(table.group('batch_id', 'b1').length);
  });

  it('makes a big graph in steps: a task deleted meanwhile is left out, and its row not reused by a new one', () => {
    const batch = Array.from({ length: 12_000 }, (_, i) => record({ id: `c${i}`, batch_id: 'big', depends_on: i === 0 ? [] : [`c${i - 1}`], created_at: new Date(NOW - HOUR + i).toISOString() }));
    const table = TaskTable.from(batch);
    const steps = table.graphTaskSteps({ batch: 'big' }, 2, NOW);
    expect(steps.next().done).toBe(false);
    // The oldest tasks come last: c0 is not made yet.
    table.delete('c0');
    table.put(record({ id: 'newcomer', batch_id: 'big' }));
    let step = steps.next();
    while (!step.done) step = steps.next();
    const ids = step.value.map((task) => task.id);
    expect(ids).toHaveLength(11_999);
    expect(ids).not.toContain('c0');
    expect(ids).not.toContain('newcomer');
    expect(table.graphTasks({ batch: 'big' }, 2, NOW).map((task) => task.id)).toContain('newcomer');
  });

  it('writes times as toISOString does', () => {
    const r = random(11);
    const times = [0, 1, 86_399_999, 86_400_000, Date.parse('2024-02-29T23:59:59.999Z'), Date.parse('9999-12-31T23:59:59.999Z'), -1, -86_400_001, 253_402_300_800_000, 1.5, NOW];
    for (let i = 0; i < 2000; i++) times.push(NOW - r.int(2_000_000_000_000));
    for (const ms of times) expect(iso(ms), String(ms)).toBe(new Date(ms).toISOString());
    expect(iso(NaN)).toBeNull();
  });
});
