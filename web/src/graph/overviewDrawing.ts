import { NODE_HEIGHT, NODE_WIDTH } from './elkLayout';
import { CANVAS_EDGE, CRITICAL_COLOUR, EDGE_COLOUR, PALETTE, statusFill } from './graphColours';
import type { GraphModel } from './graphModel';
import { edgesIn, nodesIn, type SpatialGrid } from './spatialGrid';
import type { Bounds } from './viewport';

/**
 * What the canvas needs of a model, in arrays: where each task and edge lies, each task's colour
 * and which edges are critical. The positions and grid come from the layout worker; colours and
 * the critical path change with live rows, and take one pass over the tasks and edges.
 */
export interface Drawing {
  x: Float64Array;
  y: Float64Array;
  grid: SpatialGrid;
  colour: Uint8Array;
  critical: Uint8Array;
  /** Each edge's line as React Flow draws it: solid (depends_on), dashed (triggered_by) or dotted (child). */
  line: Uint8Array;
}

/** The line of each edge kind, index of `Drawing.line`: as graph.css draws React Flow's edges. */
const LINES: { kind: string; dash: number[]; arrow: boolean }[] = [
  { kind: 'depends_on', dash: [], arrow: true },
  { kind: 'triggered_by', dash: [6, 4], arrow: true },
  { kind: 'child', dash: [2, 4], arrow: false },
];

/** What the worker needs to draw a whole graph: the drawing without its grid. */
export type WholeDrawing = Pick<Drawing, 'x' | 'y' | 'colour' | 'critical'> & { source: Int32Array; target: Int32Array };

/** A whole graph drawn once into a bitmap, and where the bitmap lies in graph coordinates. */
export interface Raster {
  bitmap: ImageBitmap;
  area: Bounds;
}

/**
 * Past this many tasks on screen, the far-out view copies a raster of the whole graph, drawn in
 * the layout worker, instead of drawing each task and edge: the browser's software canvas spent
 * 300-400 ms a frame rasterising 50,000 tasks and 65,000 curves on the page's thread.
 */
export const VECTOR_MAX_NODES = 5000;
/** The raster's longest side and its pixels, at most (about 32 MB). */
const RASTER_SIDE = 4096;
const RASTER_PIXELS = 8_000_000;

/** The scale a raster of `bounds` is drawn at. */
export function rasterScale(bounds: Bounds): number {
  const { width, height } = bounds;
  return Math.min(1, RASTER_SIDE / Math.max(width, height, 1), Math.sqrt(RASTER_PIXELS / Math.max(width * height, 1)));
}

/** The whole graph on an offscreen canvas (in the layout worker), as a bitmap. */
export function drawRaster(drawing: WholeDrawing, bounds: Bounds): ImageBitmap {
  const scale = rasterScale(bounds);
  const canvas = new OffscreenCanvas(Math.max(1, Math.ceil(bounds.width * scale)), Math.max(1, Math.ceil(bounds.height * scale)));
  const context = canvas.getContext('2d')!;
  context.setTransform(scale, 0, 0, scale, -bounds.x * scale, -bounds.y * scale);
  const edges = Array.from(drawing.source, (_, e) => e);
  strokeEdges(context, drawing, edges, scale);
  // At least a pixel each, or tasks vanish between the edges.
  fillTasks(context, drawing, null, 1 / scale);
  return canvas.transferToImageBitmap();
}

export function drawingOf(model: Pick<GraphModel, 'nodes' | 'edges' | 'x' | 'y' | 'grid'>): Drawing {
  const colour = Uint8Array.from(model.nodes, (node) => PALETTE.indexOf(statusFill(node.data.task.status)));
  const critical = Uint8Array.from(model.edges, (edge) => (edge.className?.includes('edge-critical') ? 1 : 0));
  const line = Uint8Array.from(model.edges, (edge) => Math.max(0, LINES.findIndex((l) => l.kind === edge.data?.kind)));
  return { x: model.x, y: model.y, grid: model.grid, colour, critical, line };
}

/** The page's canvas or the worker's offscreen one: the same drawing calls. */
export type Canvas2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** Draws the tasks and edges that meet `view` (graph coordinates); the context maps graph to screen. */
export function drawGraph(context: Canvas2D, drawing: Drawing, view: Bounds, zoom: number): void {
  const { x, y, grid } = drawing;
  // Edges first, plain ones in one path (one stroke call), the critical path over them.
  strokeEdges(context, { ...drawing, source: grid.source, target: grid.target }, edgesIn(grid, x, y, view), zoom);
  fillTasks(context, drawing, nodesIn(grid, x, y, view), 0);
}

/**
 * The edges that meet `view` as React Flow draws them (line widths, dashes and arrowheads of
 * graph.css), under the task nodes of a big graph zoomed in.
 */
export function drawEdges(context: Canvas2D, drawing: Drawing, view: Bounds): void {
  const { x, y, grid, critical } = drawing;
  const edges = edgesIn(grid, x, y, view);
  LINES.forEach(({ dash, arrow }, kind) => {
    context.beginPath();
    for (const e of edges) if (!critical[e] && drawing.line[e] === kind) line(context, x, y, grid.source[e], grid.target[e], arrow);
    context.setLineDash(dash);
    context.lineWidth = 1.5;
    context.strokeStyle = EDGE_COLOUR;
    context.stroke();
  });
  context.setLineDash([]);
  context.beginPath();
  for (const e of edges) if (critical[e]) line(context, x, y, grid.source[e], grid.target[e], true);
  context.lineWidth = 3;
  context.strokeStyle = CRITICAL_COLOUR;
  context.stroke();
}

/**
 * Below this zoom edges are drawn straight: a curve's bend is then a pixel or two, and the
 * browser's software canvas rasterised thousands of curves two to four times slower than as
 * many straight lines (5,000 edges: 30-60 ms against 15 ms), on the page's thread, every frame.
 */
const CURVE_MIN_ZOOM = 0.2;

/** Plain edges as hairlines in one path (one stroke call), the critical path over them. */
function strokeEdges(context: Canvas2D, drawing: WholeDrawing, edges: readonly number[], zoom: number): void {
  const { x, y, source, target, critical } = drawing;
  const curved = zoom >= CURVE_MIN_ZOOM;
  context.beginPath();
  for (const e of edges) if (!critical[e]) line(context, x, y, source[e], target[e], false, curved);
  context.lineWidth = 1 / zoom;
  context.strokeStyle = CANVAS_EDGE;
  context.stroke();
  context.beginPath();
  for (const e of edges) if (critical[e]) line(context, x, y, source[e], target[e], false, curved);
  context.lineWidth = 2.5 / zoom;
  context.strokeStyle = CRITICAL_COLOUR;
  context.stroke();
}

/** Tasks as boxes in their status colour, one fill per colour; at least `minSize` graph units. */
export function fillTasks(context: Canvas2D, drawing: Pick<Drawing, 'x' | 'y' | 'colour'>, nodes: readonly number[] | null, minSize: number): void {
  const width = Math.max(NODE_WIDTH, minSize);
  const height = Math.max(NODE_HEIGHT, minSize);
  const count = nodes ? nodes.length : drawing.x.length;
  PALETTE.forEach((fill, c) => {
    context.fillStyle = fill;
    context.beginPath();
    for (let k = 0; k < count; k++) {
      const i = nodes ? nodes[k] : k;
      if (drawing.colour[i] === c) context.rect(drawing.x[i], drawing.y[i], width, height);
    }
    context.fill();
  });
}

function line(context: Canvas2D, x: Float64Array, y: Float64Array, s: number, t: number, arrow: boolean, curved = true) {
  const x1 = x[s] + NODE_WIDTH;
  const y1 = y[s] + NODE_HEIGHT / 2;
  const x2 = x[t];
  const y2 = y[t] + NODE_HEIGHT / 2;
  const bend = (x2 - x1) / 2;
  context.moveTo(x1, y1);
  if (curved) context.bezierCurveTo(x1 + bend, y1, x2 - bend, y2, x2, y2);
  else context.lineTo(x2, y2);
  if (!arrow) return;
  context.moveTo(x2 - ARROW, y2 - ARROW / 2);
  context.lineTo(x2, y2);
  context.lineTo(x2 - ARROW, y2 + ARROW / 2);
}

/** An arrowhead's length, in graph units. */
const ARROW = 9;
