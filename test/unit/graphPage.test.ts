import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import type { TaskRecord } from '../../core/contract';
import { MAX_GRAPH_DEPTH, buildTaskGraph, type GraphScope, type TaskGraph } from '../../core/graph';
import { COLUMN_GAP, NODE_HEIGHT, NODE_WIDTH, layoutGraph, layoutOptions } from '../../web/src/graph/elkLayout';
import { applyTaskRows, buildModel, isStructural, layoutInput, structureKey, type GraphModel } from '../../web/src/graph/graphModel';
import { DEFAULT_GRAPH_VIEW, graphViewFromUrl, graphViewScope, graphViewToApiQuery, graphViewToUrl, isComplete } from '../../web/src/graph/graphView';
import { graphWindow, needsNewWindow, nodeAt, visibleArea, windowBasis } from '../../web/src/graph/graphWindow';
import { edgeBox, edgesIn, meets, nodesAbout, nodesIn, spatialGrid } from '../../web/src/graph/spatialGrid';
import { OPENING_ZOOM, fitViewport, graphBounds, initialViewport } from '../../web/src/graph/viewport';
import { NOW, record } from './fixtures';

/**
 * The graph page's pure parts: the view in the URL, the layout, the model React Flow draws and
 * how live rows change it, and the window and viewport of big graphs.
 */

// extract → transform → load, and extract → report: a pipeline whose middle task runs.
const PIPELINE = 'pipe-1';
const rows = (): TaskRecord[] => [
  record({ id: 'extract', name: 'Extract', status: 'completed', progress: 100, pipeline_id: PIPELINE, started_at: iso(-600), end_date: iso(-540), duration_ms: 60_000 }),
  record({ id: 'transform', name: 'Transform', status: 'running', progress: 40, pipeline_id: PIPELINE, started_at: iso(-120), duration_ms: 120_000, depends_on: ['extract'] }),
  record({ id: 'load', name: 'Load', status: 'pending', pipeline_id: PIPELINE, depends_on: ['transform'] }),
  record({ id: 'report', name: 'Report', status: 'completed', progress: 100, pipeline_id: PIPELINE, started_at: iso(-500), end_date: iso(-490), duration_ms: 10_000, depends_on: ['extract'] }),
];
const iso = (secondsFromNow: number) => new Date(NOW + secondsFromNow * 1000).toISOString();

function served(tasks: TaskRecord[], scope: GraphScope = { pipeline: PIPELINE }): TaskGraph {
  return buildTaskGraph(tasks, scope, NOW);
}

/** A model laid out by hand: column by topological depth, row by order. */
function modelOf(graph: TaskGraph): GraphModel {
  const x = Float64Array.from(graph.nodes, (_, i) => i * 300);
  const y = Float64Array.from(graph.nodes, (_, i) => i * 100);
  return buildModel(graph, { x, y }, NOW);
}

describe('the graph view in the URL', () => {
  it('round-trips each kind of view, writing only what differs from the defaults', () => {
    for (const view of [
      { ...DEFAULT_GRAPH_VIEW, mode: 'pipeline' as const, target: 'p-1' },
      { ...DEFAULT_GRAPH_VIEW, mode: 'batch' as const, target: 'b-1', within_hours: 24 },
      { ...DEFAULT_GRAPH_VIEW, mode: 'task' as const, target: 't-1', depth: 5 },
      DEFAULT_GRAPH_VIEW,
    ]) {
      expect(graphViewFromUrl(graphViewToUrl(view))).toEqual(view);
    }
    expect(graphViewToUrl({ ...DEFAULT_GRAPH_VIEW, mode: 'pipeline', target: 'p 1' }).toString()).toBe('pipeline=p+1');
    expect(graphViewToUrl(DEFAULT_GRAPH_VIEW).toString()).toBe('');
  });

  it('ignores what a shared link may carry that the page does not know', () => {
    expect(graphViewFromUrl(new URLSearchParams('depth=0&within_hours=5&colour=red'))).toEqual(DEFAULT_GRAPH_VIEW);
    expect(graphViewFromUrl(new URLSearchParams('depth=two'))).toEqual(DEFAULT_GRAPH_VIEW);
    // A depth past the limit is not ignored: it is drawn at the limit, and the page says so (webPages.test.ts).
    expect(graphViewFromUrl(new URLSearchParams('task=t&depth=99')).depth).toBe(MAX_GRAPH_DEPTH);
  });

  it('asks GET /graph for the scope, with depth only for a task', () => {
    expect(Object.fromEntries(graphViewToApiQuery({ ...DEFAULT_GRAPH_VIEW, mode: 'task', target: 't-1', depth: 3 }))).toEqual({ task: 't-1', depth: '3', within_hours: '336' });
    expect(Object.fromEntries(graphViewToApiQuery({ ...DEFAULT_GRAPH_VIEW, mode: 'batch', target: 'b', depth: 3 }))).toEqual({ batch: 'b', within_hours: '336' });
    expect(graphViewScope({ ...DEFAULT_GRAPH_VIEW, mode: 'pipeline', target: 'p' })).toEqual({ pipeline: 'p', within_hours: 336 });
  });

  it('has nothing to ask for until a picked pipeline, batch or task has an id', () => {
    expect(isComplete({ ...DEFAULT_GRAPH_VIEW, mode: 'batch', target: ' ' })).toBe(false);
    expect(isComplete(DEFAULT_GRAPH_VIEW)).toBe(true);
  });
});

describe('the model React Flow draws', () => {
  it('gives every task a fixed-size node at its laid-out position, with handles known up front', () => {
    const model = modelOf(served(rows()));
    expect(model.nodes).toHaveLength(4);
    for (const [i, node] of model.nodes.entries()) {
      expect(node).toMatchObject({ type: 'task', width: NODE_WIDTH, height: NODE_HEIGHT, position: { x: i * 300, y: i * 100 } });
      expect(node.handles?.map((h) => h.type)).toEqual(['target', 'source']);
    }
  });

  it('marks the critical path on its nodes and edges', () => {
    const model = modelOf(served(rows()));
    // extract (60 s) → transform (120 s) → load outweighs extract → report.
    expect(model.criticalPath.task_ids).toEqual(['extract', 'transform', 'load']);
    expect(model.edges.filter((e) => e.className?.includes('edge-critical')).map((e) => `${e.source}>${e.target}`)).toEqual(['extract>transform', 'transform>load']);
    expect(model.nodes.find((n) => n.id === 'report')!.className).not.toContain('is-critical');
  });

  it('lays out the same structure once: the key ignores statuses and order', () => {
    const before = served(rows());
    const after = served(rows().map((r) => (r.id === 'transform' ? { ...r, status: 'failed' as const } : r)).reverse());
    expect(structureKey(after)).toBe(structureKey(before));
    expect(structureKey(served(rows().slice(0, 3)))).not.toBe(structureKey(before));
  });
});

describe('live rows from /events', () => {
  it('change a failed task and what it blocks in place: no position moves', () => {
    const model = modelOf(served(rows()));
    const positions = model.nodes.map((n) => n.position);
    const failed = record({ ...rows()[1], status: 'failed', error: 'exit code 3', end_date: iso(0) });
    const next = applyTaskRows(model, [failed], NOW + 1000);

    expect(next.nodes.map((n) => n.position)).toEqual(positions);
    // Not only equal: the very same objects, so React Flow has nothing to move.
    next.nodes.forEach((n, i) => expect(n.position).toBe(positions[i]));
    const byId = new Map(next.nodes.map((n) => [n.id, n]));
    expect(byId.get('transform')!.data.task).toMatchObject({ status: 'failed', error: 'exit code 3' });
    expect(byId.get('load')!.data.task.blocked_by).toEqual(['transform']);
    expect(byId.get('load')!.data.blockedReason).toBe('Blocked by failed upstream task: Transform (failed)');
    expect(byId.get('load')!.className).toContain('is-blocked');
    // A task the rows did not touch and whose overlays did not change keeps its identity.
    expect(byId.get('report')).toBe(model.nodes.find((n) => n.id === 'report'));
  });

  it('recompute the critical path as durations grow', () => {
    const model = modelOf(served(rows()));
    // Report turns out to have run for an hour: the path now goes through it.
    const next = applyTaskRows(model, [record({ ...rows()[3], duration_ms: 3_600_000 })], NOW);
    expect(next.criticalPath.task_ids).toEqual(['extract', 'report']);
    expect(next.edges.find((e) => e.source === 'extract' && e.target === 'report')!.className).toContain('edge-critical');
    expect(next.edges.find((e) => e.source === 'transform')!.className).not.toContain('edge-critical');
  });

  it('leave the model alone when no drawn task changed, and never take a finished task back', () => {
    const model = modelOf(served(rows()));
    expect(applyTaskRows(model, [record({ id: 'elsewhere' })], NOW)).toBe(model);
    // A row older than the graph (heard while it loaded): extract had already completed.
    expect(applyTaskRows(model, [{ ...rows()[0], status: 'running' }], NOW)).toBe(model);
  });

  it('tell a change of structure (a new task in scope, a new edge to a drawn task) from a change of status', () => {
    const model = modelOf(served(rows()));
    const scope = { pipeline: PIPELINE };
    expect(isStructural(model, { ...rows()[1], status: 'failed' }, scope)).toBe(false);
    expect(isStructural(model, record({ id: 'new', pipeline_id: PIPELINE }), scope)).toBe(true);
    expect(isStructural(model, record({ id: 'reindex', triggered_by: 'load' }), scope)).toBe(true);
    expect(isStructural(model, record({ id: 'waits', depends_on: ['report'] }), { batch: 'b' })).toBe(true);
    expect(isStructural(model, record({ id: 'unrelated' }), scope)).toBe(false);
    expect(isStructural(model, record({ id: 'linked-elsewhere', depends_on: ['x'] }), {})).toBe(true);
  });
});

describe('the layout', () => {
  it('runs ELK left to right with fixed sizes: every edge points right, columns a fixed pitch apart, no overlaps', async () => {
    const graph = served(rows());
    const result = await layoutGraph(new ELK(), layoutInput(graph));
    const at = new Map(graph.nodes.map((n, i) => [n.id, { x: result.x[i], y: result.y[i] }]));
    for (const edge of graph.edges) expect(at.get(edge.target)!.x - at.get(edge.source)!.x).toBe(NODE_WIDTH + COLUMN_GAP);
    const boxes = [...at.values()];
    for (const a of boxes) {
      for (const b of boxes) {
        if (a === b) continue;
        expect(Math.abs(a.x - b.x) >= NODE_WIDTH || Math.abs(a.y - b.y) >= NODE_HEIGHT).toBe(true);
      }
    }
  });

  it('keeps separate components apart after closing up their columns', async () => {
    // Two chains side by side and a lone task.
    const input = { ids: ['a1', 'a2', 'a3', 'b1', 'b2', 'c'], edges: [[0, 1], [1, 2], [3, 4]] as [number, number][] };
    const result = await layoutGraph(new ELK(), input);
    for (let i = 0; i < input.ids.length; i++) {
      for (let j = i + 1; j < input.ids.length; j++) {
        expect(Math.abs(result.x[i] - result.x[j]) >= NODE_WIDTH || Math.abs(result.y[i] - result.y[j]) >= NODE_HEIGHT).toBe(true);
      }
    }
  });

  it('spends its effort on small graphs and keeps big ones fast', () => {
    expect(layoutOptions(50)['elk.layered.nodePlacement.strategy']).toBe('NETWORK_SIMPLEX');
    expect(layoutOptions(5000)).toMatchObject({ 'elk.layered.thoroughness': '1', 'elk.layered.nodePlacement.strategy': 'SIMPLE' });
  });
});

describe('viewing big graphs', () => {
  const grid = (columns: number, rows_: number) =>
    modelOf(served(Array.from({ length: columns * rows_ }, (_, i) => record({ id: `t${i}`, batch_id: 'b', depends_on: i >= rows_ ? [`t${i - rows_}`] : [] })), { batch: 'b' }));

  it('opens a graph that fits whole, and a huge one at its start at a readable zoom', () => {
    const screen = { width: 1200, height: 600 };
    const small = initialViewport({ x: 0, y: 0, width: 1000, height: 400 }, screen);
    expect(small.zoom).toBeCloseTo(1);
    const huge = initialViewport({ x: 0, y: 0, width: 60_000, height: 8_000 }, screen, { x: 0, y: 4_000 });
    expect(huge.zoom).toBe(OPENING_ZOOM);
    expect(huge.y + (4_000 + NODE_HEIGHT / 2) * huge.zoom).toBeCloseTo(300);
    expect(fitViewport({ x: 0, y: 0, width: 60_000, height: 8_000 }, screen, 0.02).zoom).toBeLessThan(0.02 + 1e-9);
  });

  it('hands React Flow only the tasks around the view', () => {
    const model = grid(40, 40);
    const view = { x: 0, y: 0, width: 1000, height: 500 };
    const window = graphWindow(model, view);
    expect(window.area).toEqual({ x: -500, y: -250, width: 2000, height: 1000 });
    expect(window.nodes.length).toBeGreaterThan(0);
    expect(window.nodes.length).toBeLessThan(model.nodes.length / 4);
    for (const node of window.nodes) expect(node.position.x <= 1500 && node.position.y <= 750).toBe(true);
    expect(needsNewWindow(window, view, view)).toBe(false);
    expect(needsNewWindow(window, { ...view, x: view.x + 5_000 }, view)).toBe(true);
    expect(needsNewWindow(window, view, { x: 100, y: 100, width: 50, height: 25 })).toBe(true);
    // Cut at a close zoom, the window already serves zooming out to the detail zoom.
    expect(windowBasis({ x: 100, y: 100, width: 100, height: 50 }, 0.9, 0.45)).toEqual({ x: 50, y: 75, width: 200, height: 100 });
    expect(windowBasis(view, 0.3, 0.45)).toEqual(view);
    expect(visibleArea({ x: -300, y: -100, zoom: 0.5 }, { width: 1000, height: 500 })).toEqual({ x: 600, y: 200, width: 2000, height: 1000 });
  });

  it('finds through its grid exactly the tasks and edges that a scan of all of them finds', () => {
    // A scattered graph over many cells, with edges long and short, both ways.
    const n = 3000;
    const x = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 997) * 137);
    const y = Float64Array.from({ length: n }, (_, i) => ((i * 104_729) % 991) * 61);
    const edges = Array.from({ length: 4000 }, (_, e) => [(e * 31) % n, (e * 17 + 5) % n] as [number, number]);
    const grid = spatialGrid(x, y, edges);
    for (const area of [
      { x: 0, y: 0, width: 5000, height: 3000 },
      { x: 40_000, y: 20_000, width: 900, height: 700 },
      { x: -1e6, y: -1e6, width: 3e6, height: 3e6 },
      { x: 70_000, y: 35_000, width: 0, height: 0 },
    ]) {
      const tasks = [...x.keys()].filter((i) => meets({ x: x[i], y: y[i], width: NODE_WIDTH, height: NODE_HEIGHT }, area));
      expect(nodesIn(grid, x, y, area).sort((a, b) => a - b)).toEqual(tasks);
      expect(nodesAbout(grid, area)).toBeGreaterThanOrEqual(tasks.length);
      const crossing = edges.flatMap(([s, t], e) => (meets(edgeBox(x, y, s, t), area) ? [e] : []));
      expect(edgesIn(grid, x, y, area).sort((a, b) => a - b)).toEqual(crossing);
    }
  });

  it('finds the task under the pointer on the far-out canvas', () => {
    const model = modelOf(served(rows()));
    const bounds = graphBounds(model);
    expect(bounds).toEqual({ x: 0, y: 0, width: 900 + NODE_WIDTH, height: 300 + NODE_HEIGHT });
    expect(nodeAt(model, { x: 310, y: 110 })?.id).toBe(model.nodes[1].id);
    expect(nodeAt(model, { x: 290, y: 110 })).toBeUndefined();
  });
});
