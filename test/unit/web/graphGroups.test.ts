import { describe, expect, it } from 'vitest';
import { buildTaskGraph, type PipelineOf } from '../../../core/graph';
import type { TaskRecord } from '../../../core/contract';
import { AUTO_COLLAPSE, COLLAPSE_ABOVE, groupGraph, groupStatus } from '../../../web/src/graph/graphGroups';
import { allTasks, applyTaskRows, buildModel, isStructural } from '../../../web/src/graph/graphModel';
import { NOW, record } from '../fixtures';

/**
 * Groups of a graph collapsed into one node each: a big graph opens as its pipelines, batches and
 * schedules, each with its tasks' counts, kept live, expanding one at a time.
 */

/** `n` chains of `length` tasks, each chain a pipeline `p<i>` (the first two runs of schedule `nightly`), and a task after p0's last. */
function pipelines(n: number, length: number, status: (chain: number, i: number) => TaskRecord['status'] = () => 'completed'): TaskRecord[] {
  const rows: TaskRecord[] = [];
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < length; i++) {
      rows.push(record({ id: `p${c}-${i}`, pipeline_id: `p${c}`, status: status(c, i), depends_on: i === 0 ? [] : [`p${c}-${i - 1}`], progress: 100 }));
    }
  }
  rows.push(record({ id: 'report', status: 'pending', depends_on: [`p0-${length - 1}`] }));
  return rows;
}

const pipelineOf: PipelineOf = (id) => ({ name: `nightly run ${id}`, schedule_id: id === 'p0' || id === 'p1' ? 'nightly' : null });
const graphOf = (rows: TaskRecord[]) => buildTaskGraph(rows, {}, NOW, { pipelineOf });
const layoutOf = (n: number) => ({ x: Float64Array.from({ length: n }, (_, i) => i * 300), y: new Float64Array(n) });

describe('groups of a graph', () => {
  it('lists the pipelines, batches and schedules of the drawn tasks, a scheduled pipeline within its schedule', () => {
    const graph = graphOf([...pipelines(3, 2), record({ id: 'b1', batch_id: 'B', depends_on: ['p2-1'] }), record({ id: 'b2', batch_id: 'B', depends_on: ['b1'] })]);
    // Each once.
    expect([...graph.groups].sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { kind: 'batch', id: 'B', name: 'B', within: null },
      { kind: 'schedule', id: 'nightly', name: 'nightly', within: null },
      { kind: 'pipeline', id: 'p0', name: 'nightly run p0', within: 'nightly' },
      { kind: 'pipeline', id: 'p1', name: 'nightly run p1', within: 'nightly' },
      { kind: 'pipeline', id: 'p2', name: 'nightly run p2', within: null },
    ]);
  });

  it(`opens a graph of ${COLLAPSE_ABOVE} tasks or more with every group collapsed, its edges between groups, and a small one whole`, () => {
    const length = Math.ceil(COLLAPSE_ABOVE / 10);
    const big = graphOf(pipelines(10, length, (c, i) => (c === 3 && i === 5 ? 'failed' : c === 3 && i > 5 ? 'upstream_failed' : 'completed')));
    const grouped = groupGraph(big, AUTO_COLLAPSE);
    // The schedule holds p0 and p1; p2..p9 stand alone; the report task is drawn as itself.
    expect(grouped.graph.nodes.map((node) => node.id).sort()).toEqual(['pipeline:p2', 'pipeline:p3', 'pipeline:p4', 'pipeline:p5', 'pipeline:p6', 'pipeline:p7', 'pipeline:p8', 'pipeline:p9', 'report', 'schedule:nightly']);
    expect(grouped.graph.edges).toEqual([{ source: 'schedule:nightly', target: 'report', kind: 'depends_on', critical: expect.any(Boolean) }]);
    const failedGroup = grouped.graph.nodes.find((node) => node.id === 'pipeline:p3')!;
    expect(failedGroup).toMatchObject({ name: 'nightly run p3', task_type: 'pipeline', status: 'failed', message: `${length - 6} upstream failed, 5 completed, 1 failed` });
    const schedule = grouped.graph.nodes.find((node) => node.id === 'schedule:nightly')!;
    expect(schedule).toMatchObject({ status: 'completed', message: `${2 * length} completed` });
    expect(grouped.book.members.get('schedule:nightly')).toHaveLength(2 * length);
    // Every task is still counted, once.
    const model = buildModel(grouped.graph, layoutOf(grouped.graph.nodes.length), NOW, grouped);
    expect([...allTasks(model)]).toHaveLength(big.nodes.length);
    expect(model.nodes.find((node) => node.id === 'pipeline:p3')).toMatchObject({ type: 'group', data: { group: { total: length, counts: { completed: 5, failed: 1 } } } });

    const small = graphOf(pipelines(3, 4));
    expect(groupGraph(small, AUTO_COLLAPSE).graph).toBe(small);
    // Its groups are still named, for the page's chips of groups the user expanded.
    expect(groupGraph(small, AUTO_COLLAPSE).book.groups.get('pipeline:p1')).toMatchObject({ kind: 'pipeline', id: 'p1' });
    expect(groupGraph(small, AUTO_COLLAPSE).collapsible).toEqual(expect.arrayContaining(['pipeline:p0', 'pipeline:p1', 'pipeline:p2', 'schedule:nightly']));
  });

  it('expands one group at a time: a schedule opens onto its pipelines, still collapsed, and a pipeline onto its tasks', () => {
    const graph = graphOf(pipelines(3, 4));
    const expanded = new Set<string>();
    const ids = () => groupGraph(graph, { groups: 'all', expanded }).graph.nodes.map((node) => node.id).sort();
    expect(ids()).toEqual(['pipeline:p2', 'report', 'schedule:nightly']);
    expanded.add('schedule:nightly');
    expect(ids()).toEqual(['pipeline:p0', 'pipeline:p1', 'pipeline:p2', 'report']);
    expanded.add('pipeline:p0');
    expect(ids()).toEqual(['p0-0', 'p0-1', 'p0-2', 'p0-3', 'pipeline:p1', 'pipeline:p2', 'report']);
    expect(groupGraph(graph, { groups: 'all', expanded }).graph.edges.map((e) => `${e.source}>${e.target}`).sort()).toEqual(['p0-0>p0-1', 'p0-1>p0-2', 'p0-2>p0-3', 'p0-3>report']);
    // A pipeline that appears later (a refetch) follows the choice: drawn collapsed.
    const later = graphOf([...pipelines(4, 4)]);
    expect(groupGraph(later, { groups: 'all', expanded }).graph.nodes.map((node) => node.id)).toContain('pipeline:p3');
  });

  it('never collapses a group that holds the whole graph (a batch drawn on its own)', () => {
    const rows = Array.from({ length: COLLAPSE_ABOVE + 5 }, (_, i) => record({ id: `t${i}`, batch_id: 'B', depends_on: i === 0 ? [] : [`t${i - 1}`] }));
    const graph = buildTaskGraph(rows, { batch: 'B' }, NOW);
    const grouped = groupGraph(graph, AUTO_COLLAPSE);
    expect(grouped.collapsible).toEqual([]);
    expect(grouped.graph).toBe(graph);
  });

  it('keeps a collapsed group live: a task of it that fails turns its node failed, and no refetch is asked for', () => {
    const graph = graphOf(pipelines(3, 4, (c, i) => (c === 2 && i >= 2 ? 'running' : 'completed')));
    const grouped = groupGraph(graph, { groups: 'all', expanded: new Set(['pipeline:p0', 'pipeline:p1', 'schedule:nightly']) });
    const model = buildModel(grouped.graph, layoutOf(grouped.graph.nodes.length), NOW, grouped);
    const group = () => model.nodes[model.index.get('pipeline:p2')!];
    expect(group().data.task.status).toBe('running');

    const row = { ...graph.nodes.find((n) => n.id === 'p2-2')!, ...record({ id: 'p2-2', pipeline_id: 'p2', depends_on: ['p2-1'], status: 'failed', error: 'exit code 3' }) };
    expect(isStructural(model, row, {})).toBe(false);
    const next = applyTaskRows(model, [row], NOW);
    const after = next.nodes[next.index.get('pipeline:p2')!];
    expect(after.data.group).toMatchObject({ total: 4, counts: { completed: 2, failed: 1, running: 1 } });
    expect(after.data.task).toMatchObject({ status: 'running', error: 'exit code 3' });
    const done = applyTaskRows(next, [{ ...row, id: 'p2-3', status: 'upstream_failed' }], NOW);
    expect(done.nodes[done.index.get('pipeline:p2')!].data.task.status).toBe('failed');
    // A finished task never goes back: an older row of it changes nothing.
    expect(applyTaskRows(done, [{ ...row, status: 'running' }], NOW)).toBe(done);
    // The report task depends on p0's last task, drawn as itself (p0 is not collapsed): its row is no new structure either.
    const report = record({ id: 'report', status: 'pending', depends_on: ['p0-3'] });
    expect(isStructural(model, report, {})).toBe(false);
  });

  it("draws a task downstream of a collapsed group as depending on the group, so its rows are no new structure, and a new task after a group's task is", () => {
    const graph = graphOf(pipelines(2, 3));
    const grouped = groupGraph(graph, { groups: 'all', expanded: new Set() });
    const model = buildModel(grouped.graph, layoutOf(grouped.graph.nodes.length), NOW, grouped);
    expect(model.upstream.get('report')).toEqual({ depends_on: ['schedule:nightly'], triggered_by: null, parent_id: null });
    expect(isStructural(model, record({ id: 'report', depends_on: ['p0-2'] }), {})).toBe(false);
    expect(isStructural(model, record({ id: 'audit', depends_on: ['p1-2'] }), {})).toBe(true);
  });

  it('sums a group up in one status: running while any task runs, then waiting, then its worst end', () => {
    expect(groupStatus({ completed: 3, running: 1, failed: 1 })).toBe('running');
    expect(groupStatus({ completed: 3, pending: 2 })).toBe('pending');
    expect(groupStatus({ completed: 3, pending: 1, pending_approval: 1 })).toBe('pending_approval');
    expect(groupStatus({ completed: 3, aborted: 1, failed: 1 })).toBe('failed');
    expect(groupStatus({ completed: 3, aborted: 1 })).toBe('aborted');
    expect(groupStatus({ completed: 3 })).toBe('completed');
  });
});
