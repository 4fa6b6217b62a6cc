import { COLUMN_GAP, NODE_HEIGHT, NODE_WIDTH, ROW_GAP, type LayoutInput, type LayoutResult } from './elkLayout';

/**
 * The layout of big graphs: a layered drawing, left to right, that never recurses, so a chain of
 * 50,000 tasks lays out as well as a wide pipeline (ELK's depth-first searches overflow the
 * stack from about 5,000 tasks in a chain). Each connected component is laid out on its own:
 * - layers: a topological order (Kahn's algorithm, with an explicit queue; a cycle, which the
 *   engine never makes, is broken at its first member), then longest-path layering, then every
 *   task with downstream tasks moved right up to the column before its nearest one, so a late
 *   task does not hang from a long edge out of the first column;
 * - order within a layer: a few sweeps of barycentre ordering (each task sorted by the mean rank
 *   of its neighbours in the layer it was last placed from), which removes most crossings;
 * - rows: each task wants the mean row of its neighbours, and the tasks of a layer, in their
 *   order, are given the rows nearest to what they want with one row's room between them
 *   (pool-adjacent-violators, linear), down, up and down again: chains come out straight.
 * Components are then packed in shelves, biggest first, into a box about as wide as a screen
 * is, so a batch of 10,000 unlinked tasks is a grid, not one column.
 * Linear in tasks and edges apart from the sorts: 50,000 tasks take well under a second.
 */
const COLUMN_PITCH = NODE_WIDTH + COLUMN_GAP;
const ROW_PITCH = NODE_HEIGHT + ROW_GAP;
/** Down, up, down, up: more sweeps hardly change the bench's graphs. */
const ORDER_SWEEPS = 4;
/** Width over height of the box components are packed into. */
const PACKING_ASPECT = 1.6;

export function layeredLayout(input: LayoutInput): LayoutResult {
  const n = input.ids.length;
  const graph = adjacency(n, input.edges);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const boxes: Box[] = [];
  for (const members of components(n, graph)) {
    const box = members.length === 1 ? { members, width: NODE_WIDTH, height: NODE_HEIGHT, x: 0, y: 0 } : layoutComponent(members, graph, x, y);
    boxes.push(box);
  }
  pack(boxes);
  for (const box of boxes) {
    for (const v of box.members) {
      x[v] += box.x;
      y[v] += box.y;
    }
  }
  return { x, y };
}

/** Edges as compressed rows, both ways: out[outStart[v] .. outStart[v + 1]) are v's downstream tasks. */
interface Adjacency {
  outStart: Int32Array;
  out: Int32Array;
  inStart: Int32Array;
  in: Int32Array;
}

function adjacency(n: number, edges: readonly (readonly [number, number])[]): Adjacency {
  const outStart = new Int32Array(n + 1);
  const inStart = new Int32Array(n + 1);
  let kept = 0;
  for (const [a, b] of edges) {
    if (a === b || a < 0 || b < 0 || a >= n || b >= n) continue;
    outStart[a + 1]++;
    inStart[b + 1]++;
    kept++;
  }
  for (let v = 0; v < n; v++) {
    outStart[v + 1] += outStart[v];
    inStart[v + 1] += inStart[v];
  }
  const out = new Int32Array(kept);
  const into = new Int32Array(kept);
  const outFill = outStart.slice(0, n);
  const inFill = inStart.slice(0, n);
  for (const [a, b] of edges) {
    if (a === b || a < 0 || b < 0 || a >= n || b >= n) continue;
    out[outFill[a]++] = b;
    into[inFill[b]++] = a;
  }
  return { outStart, out, inStart, in: into };
}

/** The members of each connected component, in input order (breadth-first, with an explicit queue). */
function components(n: number, graph: Adjacency): Int32Array[] {
  const seen = new Uint8Array(n);
  const queue = new Int32Array(n);
  const result: Int32Array[] = [];
  for (let start = 0; start < n; start++) {
    if (seen[start]) continue;
    seen[start] = 1;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    while (head < tail) {
      const v = queue[head++];
      for (let k = graph.outStart[v]; k < graph.outStart[v + 1]; k++) {
        const w = graph.out[k];
        if (!seen[w]) {
          seen[w] = 1;
          queue[tail++] = w;
        }
      }
      for (let k = graph.inStart[v]; k < graph.inStart[v + 1]; k++) {
        const w = graph.in[k];
        if (!seen[w]) {
          seen[w] = 1;
          queue[tail++] = w;
        }
      }
    }
    result.push(queue.slice(0, tail).sort());
  }
  return result;
}

interface Box {
  members: Int32Array;
  width: number;
  height: number;
  /** Where the packing put the box's top-left corner. */
  x: number;
  y: number;
}

/** Lays out one component with its top-left corner at (0, 0), writing x and y of its members. */
function layoutComponent(members: Int32Array, graph: Adjacency, x: Float64Array, y: Float64Array): Box {
  const topo = topologicalOrder(members, graph);
  const n = x.length;
  // Position in the topological order: an edge that points backwards in it closes a cycle and is ignored.
  const rank = new Int32Array(n);
  topo.forEach((v, i) => (rank[v] = i));
  const forward = (a: number, b: number) => rank[a] < rank[b];

  const layer = new Int32Array(n);
  for (const v of topo) {
    let l = 0;
    for (let k = graph.inStart[v]; k < graph.inStart[v + 1]; k++) {
      const u = graph.in[k];
      if (forward(u, v) && layer[u] + 1 > l) l = layer[u] + 1;
    }
    layer[v] = l;
  }
  for (let i = topo.length - 1; i >= 0; i--) {
    const v = topo[i];
    let nearest = Infinity;
    for (let k = graph.outStart[v]; k < graph.outStart[v + 1]; k++) {
      const w = graph.out[k];
      if (forward(v, w) && layer[w] < nearest) nearest = layer[w];
    }
    if (nearest !== Infinity && nearest - 1 > layer[v]) layer[v] = nearest - 1;
  }

  let layerCount = 0;
  for (const v of members) if (layer[v] + 1 > layerCount) layerCount = layer[v] + 1;
  const layers: number[][] = Array.from({ length: layerCount }, () => []);
  // In topological order, so a layer starts in the order its tasks became ready.
  for (const v of topo) layers[layer[v]].push(v);

  const position = new Float64Array(n);
  const placeRanks = (list: number[]) => {
    const middle = (list.length - 1) / 2;
    list.forEach((v, i) => (position[v] = i - middle));
  };
  layers.forEach(placeRanks);
  const key = new Float64Array(n);
  for (let sweep = 0; sweep < ORDER_SWEEPS; sweep++) {
    const down = sweep % 2 === 0;
    for (let step = 1; step < layerCount; step++) {
      const list = layers[down ? step : layerCount - 1 - step];
      for (const v of list) {
        const mean = neighbourMean(v, graph, down, position, forward);
        key[v] = Number.isNaN(mean) ? position[v] : mean;
      }
      // Stable: tasks that want the same place keep their current order.
      list.sort((a, b) => key[a] - key[b] || position[a] - position[b]);
      placeRanks(list);
    }
  }

  for (const list of layers) list.forEach((v, i) => (y[v] = i * ROW_PITCH));
  const wanted = new Float64Array(n);
  for (const down of [true, false, true]) {
    for (let step = 0; step < layerCount; step++) {
      const list = layers[down ? step : layerCount - 1 - step];
      for (const v of list) {
        const mean = neighbourMean(v, graph, down, y, forward);
        wanted[v] = Number.isNaN(mean) ? y[v] : mean;
      }
      nearestRows(list, wanted, y);
    }
  }

  let top = Infinity;
  let bottom = -Infinity;
  for (const v of members) {
    if (y[v] < top) top = y[v];
    if (y[v] > bottom) bottom = y[v];
  }
  for (const v of members) {
    y[v] -= top;
    x[v] = layer[v] * COLUMN_PITCH;
  }
  return { members, width: layerCount * COLUMN_PITCH - COLUMN_GAP, height: bottom - top + NODE_HEIGHT, x: 0, y: 0 };
}

/** The members in an order where every edge points forwards, but for the edges of a cycle. */
function topologicalOrder(members: Int32Array, graph: Adjacency): Int32Array {
  const waiting = new Map<number, number>();
  for (const v of members) waiting.set(v, graph.inStart[v + 1] - graph.inStart[v]);
  const order = new Int32Array(members.length);
  const done = new Set<number>();
  let head = 0;
  let tail = 0;
  let next = 0;
  const take = (v: number) => {
    done.add(v);
    order[tail++] = v;
  };
  for (const v of members) if (waiting.get(v) === 0) take(v);
  while (tail < members.length) {
    if (head === tail) {
      // Only cycles are left: start from the first member not placed yet.
      while (done.has(members[next])) next++;
      take(members[next]);
    }
    const v = order[head++];
    for (let k = graph.outStart[v]; k < graph.outStart[v + 1]; k++) {
      const w = graph.out[k];
      if (done.has(w)) continue;
      const left = waiting.get(w)! - 1;
      waiting.set(w, left);
      if (left === 0) take(w);
    }
  }
  return order;
}

/** The mean of `value` over v's upstream (down) or downstream (up) neighbours; NaN when it has none. */
function neighbourMean(v: number, graph: Adjacency, down: boolean, value: Float64Array, forward: (a: number, b: number) => boolean): number {
  const start = down ? graph.inStart : graph.outStart;
  const list = down ? graph.in : graph.out;
  let sum = 0;
  let count = 0;
  for (let k = start[v]; k < start[v + 1]; k++) {
    const w = list[k];
    if (down ? forward(w, v) : forward(v, w)) {
      sum += value[w];
      count++;
    }
  }
  return count === 0 ? NaN : sum / count;
}

/**
 * Rows for a layer's tasks, in their order, one row pitch apart at least, as near as can be to
 * the rows they want (least squares). With z[i] = y[i] - i · pitch the rule is that z never
 * decreases: an isotonic regression, solved by pooling adjacent violators.
 */
function nearestRows(list: readonly number[], wanted: Float64Array, y: Float64Array): void {
  const m = list.length;
  const sums = new Float64Array(m);
  const counts = new Int32Array(m);
  let blocks = 0;
  for (let i = 0; i < m; i++) {
    sums[blocks] = wanted[list[i]] - i * ROW_PITCH;
    counts[blocks] = 1;
    blocks++;
    while (blocks > 1 && sums[blocks - 2] / counts[blocks - 2] > sums[blocks - 1] / counts[blocks - 1]) {
      sums[blocks - 2] += sums[blocks - 1];
      counts[blocks - 2] += counts[blocks - 1];
      blocks--;
    }
  }
  let i = 0;
  for (let b = 0; b < blocks; b++) {
    const z = sums[b] / counts[b];
    for (let c = 0; c < counts[b]; c++, i++) y[list[i]] = z + i * ROW_PITCH;
  }
}

/** Shelves, tallest boxes first, each as wide as the widest box or a screen-shaped share of the area. */
function pack(boxes: Box[]): void {
  let area = 0;
  let widest = 0;
  for (const box of boxes) {
    area += (box.width + COLUMN_GAP) * (box.height + ROW_GAP);
    widest = Math.max(widest, box.width);
  }
  const width = Math.max(widest, Math.sqrt(area * PACKING_ASPECT));
  const order = boxes.map((_, i) => i).sort((a, b) => boxes[b].height - boxes[a].height || boxes[b].width - boxes[a].width || a - b);
  let shelfY = 0;
  let shelfHeight = 0;
  let cursor = 0;
  for (const i of order) {
    const box = boxes[i];
    if (cursor > 0 && cursor + box.width > width) {
      shelfY += shelfHeight + ROW_GAP;
      cursor = 0;
      shelfHeight = 0;
    }
    box.x = cursor;
    box.y = shelfY;
    cursor += box.width + COLUMN_GAP;
    shelfHeight = Math.max(shelfHeight, box.height);
  }
}
