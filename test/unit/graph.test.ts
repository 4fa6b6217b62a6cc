import { describe, expect, it } from 'vitest';
import { MAX_GRAPH_NODES, TaskLinks, buildTaskGraph, criticalPath, findCycle, type GraphTask } from '../../core/graph';
import type { TaskStatus } from '../../core/statuses';
import { HOUR, NOW } from './fixtures';

function task(id: string, status: TaskStatus, extra: Partial<GraphTask> = {}): GraphTask {
  return {
    id,
    name: id,
    task_type: 'command',
    status,
    progress: 0,
    message: null,
    created_at: new Date(NOW - HOUR).toISOString(),
    started_at: null,
    end_date: null,
    duration_ms: null,
    dataset: null,
    dataset_id: null,
    pipeline_id: null,
    batch_id: null,
    schedule_id: null,
    error: null,
    depends_on: [],
    triggered_by: null,
    parent_id: null,
    ...extra,
  };
}

describe('criticalPath', () => {
  it('takes the chain with the longest total duration, not the one with most tasks', () => {
    // a → b → c (1 + 1 + 1) against a → d (1 + 10)
    const weights: Record<string, number> = { a: 1, b: 1, c: 1, d: 10 };
    const path = criticalPath(
      Object.keys(weights).map((id) => ({ id })),
      [
        { source: 'a', target: 'b' },
        { source: 'b', target: 'c' },
        { source: 'a', target: 'd' },
      ],
      (id) => weights[id],
    );
    expect(path).toEqual({ task_ids: ['a', 'd'], duration_ms: 11 });
  });

  it('prefers the longer chain among equal durations, so pending tasks still show one', () => {
    const path = criticalPath([{ id: 'x' }, { id: 'y' }, { id: 'z' }], [{ source: 'x', target: 'y' }], () => 0);
    expect(path.task_ids).toEqual(['x', 'y']);
  });

  it('is empty for an empty graph', () => {
    expect(criticalPath([], [], () => 0)).toEqual({ task_ids: [], duration_ms: 0 });
  });

  it('handles a 5,000-task chain without recursion', () => {
    const nodes = Array.from({ length: 5000 }, (_, i) => ({ id: `t${i}` }));
    const edges = nodes.slice(1).map((n, i) => ({ source: nodes[i].id, target: n.id }));
    expect(criticalPath(nodes, edges, () => 1).duration_ms).toBe(5000);
  });
});

describe('blockedBy', () => {
  const links = new TaskLinks([
    task('root', 'failed'),
    task('mid', 'upstream_failed', { depends_on: ['root'] }),
    task('leaf', 'pending', { depends_on: ['mid', 'fine'] }),
    task('fine', 'completed'),
    task('other', 'aborted'),
    task('join', 'pending', { depends_on: ['leaf', 'other'] }),
    task('ok', 'running', { depends_on: ['fine'] }),
  ]);

  it('names the failed root causes through upstream_failed and waiting tasks', () => {
    expect(links.blockedBy('mid')).toEqual(['root']);
    expect(links.blockedBy('leaf')).toEqual(['root']);
    expect(links.blockedBy('join')).toEqual(['other', 'root']);
  });

  it('blocks nothing that completed, failed itself, or waits only on healthy tasks', () => {
    expect(links.blockedBy('root')).toEqual([]);
    expect(links.blockedBy('fine')).toEqual([]);
    expect(links.blockedBy('ok')).toEqual([]);
  });
});

describe('buildTaskGraph scopes', () => {
  const tasks = [
    task('p1', 'completed', { pipeline_id: 'P', duration_ms: 5000 }),
    task('p2', 'running', { pipeline_id: 'P', depends_on: ['p1'], duration_ms: 2000 }),
    task('reindex', 'pending', { triggered_by: 'p2' }),
    task('b1', 'pending', { batch_id: 'B' }),
    task('b2', 'pending', { batch_id: 'B', depends_on: ['b1'] }),
    task('lonely', 'completed'),
    task('old', 'completed', { created_at: new Date(NOW - 30 * HOUR).toISOString() }),
    task('new', 'pending', { depends_on: ['old'] }),
  ];

  it('draws a pipeline with the follow-ups the system started from it', () => {
    const graph = buildTaskGraph(tasks, { pipeline: 'P' }, NOW);
    expect(graph.nodes.map((n) => n.id).sort()).toEqual(['p1', 'p2', 'reindex']);
    expect(graph.edges).toEqual(
      expect.arrayContaining([
        { source: 'p1', target: 'p2', kind: 'depends_on', critical: true },
        { source: 'p2', target: 'reindex', kind: 'triggered_by', critical: true },
      ]),
    );
    expect(graph.critical_path).toEqual({ task_ids: ['p1', 'p2', 'reindex'], duration_ms: 7000 });
    expect(graph.nodes.every((n) => n.critical)).toBe(true);
  });

  it('draws a batch, a neighbourhood by depth, and otherwise every linked task in the window', () => {
    expect(buildTaskGraph(tasks, { batch: 'B' }, NOW).nodes.map((n) => n.id).sort()).toEqual(['b1', 'b2']);
    expect(buildTaskGraph(tasks, { task: 'p2', depth: 1 }, NOW).nodes.map((n) => n.id).sort()).toEqual(['p1', 'p2', 'reindex']);
    expect(buildTaskGraph(tasks, { task: 'p1', depth: 1 }, NOW).nodes.map((n) => n.id).sort()).toEqual(['p1', 'p2']);
    const all = buildTaskGraph(tasks, { within_hours: 24 }, NOW).nodes.map((n) => n.id);
    // Linked tasks only; `old` is outside the window (its edge to `new` goes with it).
    expect(all.sort()).toEqual(['b1', 'b2', 'new', 'p1', 'p2', 'reindex']);
    expect(buildTaskGraph(tasks, { within_hours: 24 }, NOW).edges.find((e) => e.target === 'new')).toBeUndefined();
  });

  it('narrows one scope by another when they are given together', () => {
    // The neighbourhood of p2 within pipeline P: the reindex it triggered is in no pipeline.
    expect(buildTaskGraph(tasks, { task: 'p2', depth: 1, pipeline: 'P' }, NOW).nodes.map((n) => n.id).sort()).toEqual(['p1', 'p2']);
    expect(buildTaskGraph(tasks, { pipeline: 'P', batch: 'B' }, NOW).nodes).toEqual([]);
    expect(buildTaskGraph(tasks, { task: 'b2', batch: 'P' }, NOW).nodes.map((n) => n.id)).toEqual(['b2']);
  });

  it("draws a workflow's children under it, without counting their time twice on the critical path", () => {
    const family = [
      task('parent', 'completed', { duration_ms: 9000 }),
      task('child-a', 'completed', { parent_id: 'parent', duration_ms: 4000 }),
      task('child-b', 'completed', { parent_id: 'parent', duration_ms: 5000 }),
      task('in-pipeline', 'completed', { parent_id: 'a-pipeline-not-a-task', pipeline_id: 'a-pipeline-not-a-task' }),
    ];
    const graph = buildTaskGraph(family, {}, NOW);
    expect(graph.nodes.map((n) => n.id).sort()).toEqual(['child-a', 'child-b', 'parent']);
    expect(graph.edges.map((e) => `${e.source}>${e.target}:${e.kind}`).sort()).toEqual(['parent>child-a:child', 'parent>child-b:child']);
    expect(graph.critical_path).toEqual({ task_ids: ['parent'], duration_ms: 9000 });
    expect(buildTaskGraph(family, { task: 'child-a', depth: 1 }, NOW).nodes.map((n) => n.id).sort()).toEqual(['child-a', 'parent']);
  });

  it('keeps the asked-for task even when it is older than the window', () => {
    expect(buildTaskGraph(tasks, { task: 'old', within_hours: 24 }, NOW).nodes.map((n) => n.id).sort()).toEqual(['new', 'old']);
  });
});

describe('findCycle', () => {
  it('finds a cycle and gives it in the order tasks would run', () => {
    // a waits for c, b for a, c for b: c → a → b → c
    const cycle = findCycle(
      new Map([
        ['a', ['c']],
        ['b', ['a']],
        ['c', ['b']],
      ]),
    );
    expect(cycle).toHaveLength(4);
    expect(cycle![0]).toBe(cycle![3]);
    expect(findCycle(new Map([['a', ['a']]]))).toEqual(['a', 'a']);
  });

  it('finds none in a DAG with shared upstream tasks', () => {
    expect(
      findCycle(
        new Map([
          ['a', []],
          ['b', ['a']],
          ['c', ['a', 'b']],
        ]),
      ),
    ).toBeUndefined();
  });
});

describe('graphs as big as a graph gets', () => {
  const CHAIN = 50_000;
  const chain = (status: (i: number) => TaskStatus): GraphTask[] =>
    Array.from({ length: CHAIN }, (_, i) => task(`t${i}`, status(i), { batch_id: 'long', depends_on: i === 0 ? [] : [`t${i - 1}`] }));

  it('names the failed root of a chain of 50,000 waiting tasks at its far end, without recursion', () => {
    const links = new TaskLinks(chain((i) => (i === 0 ? 'failed' : 'pending')));
    expect(links.blockedBy(`t${CHAIN - 1}`)).toEqual(['t0']);
  });

  it('builds the whole graph of a chain as long as a graph carries, its critical path end to end', () => {
    const graph = buildTaskGraph(
      chain((i) => (i < 10 ? 'completed' : i === 10 ? 'failed' : 'pending')).slice(0, MAX_GRAPH_NODES),
      { batch: 'long' },
      NOW,
    );
    expect(graph.truncated).toBe(false);
    expect(graph.nodes).toHaveLength(MAX_GRAPH_NODES);
    expect(graph.edges).toHaveLength(MAX_GRAPH_NODES - 1);
    expect(graph.critical_path.task_ids).toHaveLength(MAX_GRAPH_NODES);
    expect(graph.nodes.find((node) => node.id === `t${MAX_GRAPH_NODES - 1}`)!.blocked_by).toEqual(['t10']);
  });

  it('finds a cycle at the end of a chain of 50,000 pipeline keys, and none in the chain alone', () => {
    const keys = new Map(Array.from({ length: CHAIN }, (_, i) => [`k${i}`, i === 0 ? [] : [`k${i - 1}`]]));
    expect(findCycle(keys)).toBeUndefined();
    keys.set('k0', [`k${CHAIN - 1}`]);
    expect(findCycle(keys)).toHaveLength(CHAIN + 1);
  });
});
