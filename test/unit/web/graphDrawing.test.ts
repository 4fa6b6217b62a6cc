import { describe, expect, it } from 'vitest';
import { buildTaskGraph } from '../../../core/graph';
import { buildModel } from '../../../web/src/graph/graphModel';
import { drawGraph, drawingOf, type Canvas2D } from '../../../web/src/graph/overviewDrawing';
import { NOW, record } from '../fixtures';

/**
 * What the canvas of a big graph draws from a model: each task's colour, the critical edges, and
 * each edge's line as React Flow would draw it (the zoomed-in canvas stands in for its SVG edges).
 */
describe('the canvas drawing of a graph', () => {
  const graph = buildTaskGraph(
    [
      record({ id: 'extract', status: 'completed', batch_id: 'b', duration_ms: 60_000 }),
      record({ id: 'load', status: 'failed', batch_id: 'b', depends_on: ['extract'], duration_ms: 1_000 }),
      record({ id: 'reindex', status: 'running', batch_id: 'b', triggered_by: 'extract' }),
      record({ id: 'child', status: 'pending', batch_id: 'b', parent_id: 'extract' }),
    ],
    { batch: 'b' },
    NOW,
  );
  const model = buildModel(graph, { x: Float64Array.from(graph.nodes, (_, i) => i * 300), y: new Float64Array(graph.nodes.length) }, NOW);
  const drawing = drawingOf(model);

  it('draws depends_on solid, a follow-up dashed and a child dotted, the critical path apart', () => {
    const lineOf = (target: string) => drawing.line[model.edges.findIndex((edge) => edge.target === target)];
    expect([lineOf('load'), lineOf('reindex'), lineOf('child')]).toEqual([0, 1, 2]);
    const critical = model.edges.filter((_, e) => drawing.critical[e] === 1).map((edge) => `${edge.source}>${edge.target}`);
    expect(critical).toEqual(model.edges.filter((edge) => edge.className?.includes('edge-critical')).map((edge) => `${edge.source}>${edge.target}`));
    expect(critical.length).toBeGreaterThan(0);
  });

  it('gives tasks of different statuses different colours and the grid every edge', () => {
    const colourOf = (id: string) => drawing.colour[model.index.get(id)!];
    expect(new Set(['extract', 'load', 'reindex', 'child'].map(colourOf)).size).toBe(4);
    expect(drawing.grid.source.length).toBe(model.edges.length);
    expect(Array.from(drawing.grid.target, (t) => model.nodes[t].id)).toEqual(model.edges.map((edge) => edge.target));
  });

  it('draws edges as curves up close and as straight lines far out, where a curve is a pixel of bend', () => {
    const strokes = (zoom: number) => {
      const calls = { curves: 0, lines: 0 };
      const context = new Proxy({} as Record<string | symbol, unknown>, {
        get: (target, name) => {
          if (name === 'bezierCurveTo') return () => calls.curves++;
          if (name === 'lineTo') return () => calls.lines++;
          return target[name] ?? (() => undefined);
        },
        set: (target, name, value) => ((target[name] = value), true),
      });
      drawGraph(context as unknown as Canvas2D, drawing, { x: -1000, y: -1000, width: 5000, height: 2000 }, zoom);
      return calls;
    };
    // Arrowless hairlines: one curve, or one straight line, per edge.
    expect(strokes(0.3)).toEqual({ curves: model.edges.length, lines: 0 });
    expect(strokes(0.1)).toEqual({ curves: 0, lines: model.edges.length });
  });
});
