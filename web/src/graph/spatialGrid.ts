import { NODE_HEIGHT, NODE_WIDTH } from './elkLayout';
import { graphBounds, type Bounds } from './viewport';

/**
 * Where each task and edge of a laid-out graph lies, in square cells, so that what meets an
 * area is found by visiting the cells it covers rather than every one of 50,000 tasks and
 * 65,000 edges: panning a big graph cuts React Flow's window and draws the canvas from it.
 * Built in the layout worker beside the positions and transferred with them (plain typed
 * arrays, in compressed-row form: the items of cell c are `items[start[c]..start[c + 1]]`).
 */
export interface SpatialGrid {
  x0: number;
  y0: number;
  cell: number;
  columns: number;
  rows: number;
  /** Each task in the cell of its top-left corner. */
  nodeStart: Int32Array;
  nodes: Int32Array;
  /** Each edge in every cell its bounding box covers. */
  edgeStart: Int32Array;
  edges: Int32Array;
  /** Edge i runs from task source[i] to task target[i]. */
  source: Int32Array;
  target: Int32Array;
}

/** Cells are at least this wide (graph units): a few columns of tasks each. */
const MIN_CELL = 1024;
/** And never more than this many, whatever the graph's extent. */
const MAX_CELLS = 1 << 18;

export function spatialGrid(x: Float64Array, y: Float64Array, edges: readonly (readonly [number, number])[]): SpatialGrid {
  const { x: minX, y: minY, width, height } = graphBounds({ x, y });
  const cell = Math.max(MIN_CELL, Math.sqrt((width * height) / MAX_CELLS), width / MAX_CELLS, height / MAX_CELLS);
  const columns = Math.max(1, Math.ceil(width / cell));
  const rows = Math.max(1, Math.ceil(height / cell));
  const grid = { x0: minX, y0: minY, cell, columns, rows };
  const source = Int32Array.from(edges, (edge) => edge[0]);
  const target = Int32Array.from(edges, (edge) => edge[1]);

  const nodeCell = (i: number) => cellOf(grid, x[i], y[i]);
  const [nodeStart, nodes] = compressedRows(columns * rows, x.length, (i, add) => add(nodeCell(i)));
  const [edgeStart, edgeItems] = compressedRows(columns * rows, edges.length, (i, add) => {
    const [c0, c1, r0, r1] = cellRange(grid, edgeBox(x, y, source[i], target[i]));
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) add(r * columns + c);
  });
  return { ...grid, nodeStart, nodes, edgeStart, edges: edgeItems, source, target };
}

/** Items sorted into cells in two passes (count, then place), without an array per cell. */
function compressedRows(cells: number, items: number, cellsOf: (item: number, add: (cell: number) => void) => void): [Int32Array, Int32Array] {
  const start = new Int32Array(cells + 1);
  for (let i = 0; i < items; i++) cellsOf(i, (c) => start[c + 1]++);
  for (let c = 0; c < cells; c++) start[c + 1] += start[c];
  const placed = new Int32Array(start[cells]);
  const next = start.slice(0, cells);
  for (let i = 0; i < items; i++) cellsOf(i, (c) => (placed[next[c]++] = i));
  return [start, placed];
}

type Cells = Pick<SpatialGrid, 'x0' | 'y0' | 'cell' | 'columns' | 'rows'>;

function cellOf(grid: Cells, x: number, y: number): number {
  const c = Math.min(grid.columns - 1, Math.max(0, Math.floor((x - grid.x0) / grid.cell)));
  const r = Math.min(grid.rows - 1, Math.max(0, Math.floor((y - grid.y0) / grid.cell)));
  return r * grid.columns + c;
}

/** The first and last column and row of cells that `area` meets, clamped to the grid. */
function cellRange(grid: Cells, area: Bounds): [number, number, number, number] {
  const clamp = (value: number, last: number) => Math.min(last, Math.max(0, Math.floor(value)));
  return [
    clamp((area.x - grid.x0) / grid.cell, grid.columns - 1),
    clamp((area.x + area.width - grid.x0) / grid.cell, grid.columns - 1),
    clamp((area.y - grid.y0) / grid.cell, grid.rows - 1),
    clamp((area.y + area.height - grid.y0) / grid.cell, grid.rows - 1),
  ];
}

/** What edge from task s to task t covers: from the source's right side to the target's left, between their middles. */
export function edgeBox(x: ArrayLike<number>, y: ArrayLike<number>, s: number, t: number): Bounds {
  const x1 = x[s] + NODE_WIDTH;
  const x2 = x[t];
  const y1 = y[s] + NODE_HEIGHT / 2;
  const y2 = y[t] + NODE_HEIGHT / 2;
  return { x: Math.min(x1, x2), y: Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) };
}

export function meets(a: Bounds, b: Bounds): boolean {
  return a.x <= b.x + b.width && b.x <= a.x + a.width && a.y <= b.y + b.height && b.y <= a.y + a.height;
}

/** The tasks whose box meets `area`, each once. */
export function nodesIn(grid: SpatialGrid, x: ArrayLike<number>, y: ArrayLike<number>, area: Bounds): number[] {
  // A task lies in the cell of its corner: one that starts left of or above the area may still reach into it.
  const [c0, c1, r0, r1] = cellRange(grid, { x: area.x - NODE_WIDTH, y: area.y - NODE_HEIGHT, width: area.width + NODE_WIDTH, height: area.height + NODE_HEIGHT });
  const found: number[] = [];
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      const cell = r * grid.columns + c;
      for (let k = grid.nodeStart[cell]; k < grid.nodeStart[cell + 1]; k++) {
        const i = grid.nodes[k];
        if (x[i] + NODE_WIDTH >= area.x && x[i] <= area.x + area.width && y[i] + NODE_HEIGHT >= area.y && y[i] <= area.y + area.height) found.push(i);
      }
    }
  }
  return found;
}

/** About how many tasks lie in the cells `area` covers: an upper bound, at the cost of a few additions. */
export function nodesAbout(grid: SpatialGrid, area: Bounds): number {
  const [c0, c1, r0, r1] = cellRange(grid, area);
  let count = 0;
  for (let r = r0; r <= r1; r++) count += grid.nodeStart[r * grid.columns + c1 + 1] - grid.nodeStart[r * grid.columns + c0];
  return count;
}

/** The edges whose bounding box meets `area`, each once. */
export function edgesIn(grid: SpatialGrid, x: ArrayLike<number>, y: ArrayLike<number>, area: Bounds): number[] {
  const [c0, c1, r0, r1] = cellRange(grid, area);
  const seen = new Set<number>();
  const found: number[] = [];
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      const cell = r * grid.columns + c;
      for (let k = grid.edgeStart[cell]; k < grid.edgeStart[cell + 1]; k++) {
        const e = grid.edges[k];
        if (seen.has(e)) continue;
        seen.add(e);
        if (meets(edgeBox(x, y, grid.source[e], grid.target[e]), area)) found.push(e);
      }
    }
  }
  return found;
}

/** The typed arrays of a grid, to transfer from the worker rather than copy. */
export function gridBuffers(grid: SpatialGrid): ArrayBuffer[] {
  return [grid.nodeStart, grid.nodes, grid.edgeStart, grid.edges, grid.source, grid.target].map((array) => array.buffer as ArrayBuffer);
}
